"""What governance plugs into the other apps at start-up (imported by ``GovernanceConfig.ready()``).

The panels it adds to every follow-up card (``proposals.extensions``): where a committee's recommendation
came from (meetings) and what the citizen monitors say (monitoring); its parts of "download my data" and
account deletion (``accounts.personal_data``); and the receivers that keep the dashboard's tallies.
"""

from accounts import personal_data
from proposals.extensions import register_follow_up_panel

from governance.committees import personal_data as committees_data
from governance.dashboard import receivers as dashboard_receivers  # noqa: F401 - connects the tallies' receivers
from governance.monitoring import personal_data as monitoring_data

register_follow_up_panel("governance/meetings/_follow_up_source.html")
register_follow_up_panel("governance/monitoring/_follow_up_ratings.html")
personal_data.register("governance_committees", export=committees_data.export, erase=committees_data.erase)
personal_data.register("governance_monitoring", export=monitoring_data.export, erase=monitoring_data.erase)
