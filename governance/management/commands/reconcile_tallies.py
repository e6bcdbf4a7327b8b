"""Recompute the dashboard's tallies from the source tables (governance.dashboard.services.reconcile)."""

from django.core.management.base import BaseCommand

from governance.dashboard import services
from governance.dashboard.tasks import RECENT_DAYS


class Command(BaseCommand):
    help = "Recompute the governance dashboard's tallies of the last N days (or all of them) from the records."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=RECENT_DAYS, help="how many recent days (default 3)")
        parser.add_argument("--all", action="store_true", help="every day since the first record")

    def handle(self, *args, days: int, all: bool, **options):
        changed = services.reconcile(days=None if all else days)
        for metric, rows in sorted(changed.items()):
            self.stdout.write(f"{metric}: {rows} rows changed")
        self.stdout.write(self.style.SUCCESS(f"{sum(changed.values())} rows changed in all"))
