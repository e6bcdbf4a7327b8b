"""What citizen monitoring plugs into the other apps (called from governance.receivers, at start-up)."""


def connect() -> None:
    from accounts import personal_data
    from proposals.extensions import register_follow_up_panel

    from . import personal_data as ours

    register_follow_up_panel("governance/monitoring/_follow_up_ratings.html")
    personal_data.register("governance_monitoring", export=ours.export, erase=ours.erase)
