"""What governance hears from the other apps: each package adds its receivers here (connected in ready())."""

from governance.monitoring import setup as monitoring_setup

monitoring_setup.connect()  # the monitoring panel on follow-up cards; monitors' data in "download my data"
