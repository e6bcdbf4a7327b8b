"""`python manage.py draw PEOPLE.csv QUOTAS.csv --size K --seed S [--algorithm NAME]`: draw a panel by lot.

Touches no database: reads the two CSVs (the Sortition Foundation's layout), draws through the same
functions as the web draw (deliberation.sortition), and prints the selected ids one per line, or why
the quotas cannot be met (exit code 1). S is the public values as RFC 3797 takes them, sources
separated by "/" ("9319/2 5 12 8 10/9 18 26 34 41 45"), or one number for a test draw.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deliberation.sortition import ALGORITHMS, DEFAULT_ALGORITHM, SortitionError, draw, read_people, read_quotas


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

    def handle(self, *args, people: Path, quotas: Path, size: int, seed: str, algorithm: str, **options):
        try:
            quota_rows = read_quotas(quotas.read_text(encoding="utf-8-sig"))
            pool = read_people(people.read_text(encoding="utf-8-sig"), quota_rows)
            result = draw(pool, quota_rows, size, seed, algorithm)
        except OSError as error:
            raise CommandError(str(error)) from None
        except SortitionError as error:
            raise CommandError("\n".join(error.lines)) from None
        for person in result.selected:
            self.stdout.write(person)
