"""`python manage.py tally FILE --rule RULE`: count a published election file, touching no database.

The same code path as the web tally (voting.tally). For a participatory budget (.pb) it prints the
selected project ids, one per line, in the order selected. Rules so far: greedy, greedy-stop and mes
(the Method of Equal Shares with the add1 completion); irv, plurality and approval, and the .blt and
CVR formats, come with the rest of issue 4 (docs/voting.md).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from voting.tally import pabulib
from voting.tally.budget import greedy
from voting.tally.equal_shares import equal_shares

RULES = ("greedy", "greedy-stop", "mes")


class Command(BaseCommand):
    help = "Count a .pb file and print the outcome (selected project ids, one per line)."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--rule", required=True, choices=RULES)

    def handle(self, *args, file: Path, rule: str, **options):
        if file.suffix.lower() != ".pb":
            raise CommandError(f"{file}: only .pb files can be counted so far")
        try:
            election = pabulib.read(file.read_text(encoding="utf-8-sig"))
            costs, ballots, budget = election.costs(), election.approvals(), election.budget
            if rule == "mes":
                outcome = equal_shares(costs, ballots, budget)
            else:
                outcome = greedy(costs, ballots, budget, stop_at_first_misfit=rule == "greedy-stop")
        except (OSError, pabulib.PabulibError) as error:
            raise CommandError(f"{file}: {error}") from None
        for project_id in outcome.selected:
            self.stdout.write(project_id)
