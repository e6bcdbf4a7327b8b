"""What governance hears from the other apps: each package adds its receivers here (connected in ready())."""

from governance.dashboard import receivers as dashboard_receivers  # noqa: E402,F401 - the dashboard's tallies
