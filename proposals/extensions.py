"""What other apps add to a follow-up item's card, without proposals importing them.

A follow-up can come from a proposal, a vote's outcome or (registered by governance) a committee's
recommendation, and others follow its progress (governance's citizen monitors). Such an app registers
a template in its ``AppConfig.ready()``; ``proposals/_follow_up.html`` and the officer's work page include
each registered template with the follow-up in the context (``{% follow_up_panels follow_up %}``).
"""

_panels: list[str] = []


def register_follow_up_panel(template_name: str) -> None:
    """Include ``template_name`` in every follow-up card (with ``follow_up`` in its context); once."""
    if template_name not in _panels:
        _panels.append(template_name)


def follow_up_panels() -> list[str]:
    return list(_panels)
