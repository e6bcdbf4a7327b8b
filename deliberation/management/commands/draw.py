"""`python manage.py draw PEOPLE.csv QUOTAS.csv --size K --seed S [--algorithm NAME] [--households COLUMNS]`:
draw a panel by lot.

Touches no database: reads the two CSVs (the Sortition Foundation's layout), draws through the same
functions as the web draw (deliberation.panels.sortition), and prints the selected ids one per line, or why
the quotas cannot be met (exit code 1). S is the public values as RFC 3797 takes them, sources
separated by "/" ("9319/2 5 12 8 10/9 18 26 34 41 45"), or one number for a test draw. NAME is
``maximin`` (over profiles, the default), ``maximin-people`` (the library's, person by person) or
``legacy``; ``--households address,postcode`` takes at most one person per household, and makes maximin
run person by person (said on standard error).

``--replace ID[,ID...]``: then, for each id in order (a person who declined, did not answer or dropped
out, possibly a replacement), print the reserve person who takes the seat, by the same function as the
web (deliberation/panels/sortition/reserve.py): "ID -> REPLACEMENT (reserve position P, same profile | quotas
kept)", or "ID -> none: why".
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deliberation.panels.sortition import (
    ALGORITHMS, DEFAULT_ALGORITHM, SortitionError, draw, method_for, read_people, read_quotas,
)
from deliberation.panels.sortition.reserve import SAME_PROFILE, find_replacement, reserve_order
from deliberation.panels.sortition.rfc3797 import key_from_text


class Command(BaseCommand):
    help = "Draw a panel from PEOPLE.csv meeting QUOTAS.csv and print the selected ids, one per line."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("people", type=Path)
        parser.add_argument("quotas", type=Path)
        parser.add_argument("--size", type=int, required=True)
        parser.add_argument("--seed", required=True, help="the public values (RFC 3797), or one number")
        parser.add_argument("--algorithm", choices=ALGORITHMS, default=DEFAULT_ALGORITHM)
        parser.add_argument("--households", default="", help="address columns: at most one person per household")
        parser.add_argument("--replace", default="", help="ids leaving the panel, in order, comma-separated")

    def handle(self, *args, people: Path, quotas: Path, size: int, seed: str, algorithm: str, replace: str = "",
               households: str = "", **options):
        columns = [column.strip() for column in households.split(",") if column.strip()]
        if method_for(algorithm, columns) != algorithm:
            self.stderr.write(f"{algorithm} with --households runs as {method_for(algorithm, columns)}: people of "
                              "a profile who share an address are not interchangeable")
        try:
            quota_rows = read_quotas(quotas.read_text(encoding="utf-8-sig"))
            pool = read_people(people.read_text(encoding="utf-8-sig"), quota_rows)
            result = draw(pool, quota_rows, size, seed, algorithm, households=columns)
        except OSError as error:
            raise CommandError(str(error)) from None
        except SortitionError as error:
            raise CommandError("\n".join(error.lines)) from None
        for person in result.selected:
            self.stdout.write(person)
        leaving = [person.strip() for person in replace.split(",") if person.strip()]
        if leaving:
            self._replace(pool, quota_rows, list(result.selected), key_from_text(seed), leaving)

    def _replace(self, pool, quotas, selected: list[str], key: str, leaving: list[str]) -> None:
        """The same walk as the web: each leaving seat is offered to the reserve; used people never return."""
        reserve = reserve_order(key, list(pool.people), selected)
        seated, used = set(selected), set(selected)
        for person in leaving:
            if person not in seated:
                raise CommandError(f"{person} does not hold a seat at this point")
            found = find_replacement(pool, quotas, seated, person, reserve, used)
            seated.discard(person)
            if found.person_id is None:
                self.stdout.write(f"{person} -> none: {found.explanation}")
                continue
            seated.add(found.person_id)
            used.add(found.person_id)
            how = "same profile" if found.match == SAME_PROFILE else "quotas kept"
            self.stdout.write(f"{person} -> {found.person_id} (reserve position {found.position}, {how})")
