"""`python manage.py tally FILE --rule RULE`: count a published election file, touching no database.

The same code path as the web tally (voting.tally). For a participatory budget (.pb: greedy,
greedy-stop, mes) it prints the selected project ids, one per line, in the order selected; with
``approval`` it prints the single most approved id. For ranked ballots (.blt, or a cast-vote-record
.csv: irv, plurality) it prints the number of ballots (those naming no candidate, exhausted from
round 1, said apart), each round's counts and the winner. Both rules elect one: a .blt file for any
other number of seats is refused (counting it needs a named STV rule, which is not implemented).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from voting.tally import pabulib
from voting.tally.budget import approval_winner, greedy, weighted
from voting.tally.equal_shares import equal_shares
from voting.tally.ranked import RankedError, instant_runoff, read_blt, read_cvr

BUDGET_RULES = ("greedy", "greedy-stop", "mes", "approval")
RANKED_RULES = ("irv", "plurality")
RULES = BUDGET_RULES + RANKED_RULES


class Command(BaseCommand):
    help = "Count a .pb file and print the outcome (selected project ids, one per line)."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--rule", required=True, choices=RULES)

    def handle(self, *args, file: Path, rule: str, **options):
        suffix = file.suffix.lower()
        try:
            text = file.read_text(encoding="utf-8-sig")
            if suffix == ".pb" and rule in BUDGET_RULES:
                return self.budget(pabulib.read(text), rule)
            if suffix in (".blt", ".csv") and rule in RANKED_RULES:
                return self.ranked(read_blt(text) if suffix == ".blt" else read_cvr(text), rule)
        except (OSError, pabulib.PabulibError, RankedError) as error:  # a refusal: nothing was printed
            raise CommandError(f"{file}: {error}") from None
        raise CommandError(f"{file}: the rule {rule} counts " + (
            ".pb files" if rule in BUDGET_RULES else ".blt or cast-vote-record .csv files"))

    def budget(self, election, rule: str) -> None:
        # Grouped as the web tally reads them from the database ({ballot: number}): one code path.
        costs, ballots, budget = election.costs(), weighted(election.approvals()), election.budget
        if rule == "approval":
            winner = approval_winner(costs, ballots)
            if winner is not None:
                self.stdout.write(winner)
            return
        if rule == "mes":
            outcome = equal_shares(costs, ballots, budget)
        else:
            outcome = greedy(costs, ballots, budget, stop_at_first_misfit=rule == "greedy-stop")
        for project_id in outcome.selected:
            self.stdout.write(project_id)

    def ranked(self, election, rule: str) -> None:
        if election.seats != 1:
            raise RankedError(_("this file elects %(seats)d seats; %(rule)s elects one, and no STV rule for "
                                "several seats is implemented") % {"seats": election.seats, "rule": rule})
        total, none = sum(election.ballots.values()), election.ballots.get((), 0)
        detail = f" ({election.overvoted_only} only overvotes, {election.blank} blank)" if none else ""
        self.stdout.write(f"ballots {total}: {none} rank no candidate{detail}, exhausted from round 1")
        outcome = instant_runoff(election.candidates, election.ballots)
        rounds = outcome.rounds[:1] if rule == "plurality" else outcome.rounds
        for number, counts in enumerate(rounds, start=1):
            ordered = sorted(counts.items(), key=lambda item: (-item[1], election.candidates.index(item[0])))
            line = ", ".join(f"{name} {votes}" for name, votes in ordered)
            self.stdout.write(f"round {number}: {line} (exhausted {outcome.exhausted[number - 1]})")
        winner = outcome.winner if rule == "irv" else min(
            rounds[0], key=lambda c: (-rounds[0][c], election.candidates.index(c)))
        self.stdout.write(f"winner: {winner}")
