"""Every write of citizens' juries and consensus conferences: the jury, its hearing, its secret verdicts and
its recommendation."""

from deliberation.juries.services.juries import (
    JuryError, add_deliberation_round, add_expert, add_juror, add_observer, check_manage, create_jury, do_add_juror,
    move_jury, remove_juror, start_deliberation, start_drafting, start_hearing,
)
from deliberation.juries.services.verdicts import (
    cast_ballot, close_verdict, open_adoption_vote, open_verdict, publish_recommendation, save_recommendation,
    tally, write_minority_opinion,
)

__all__ = [
    "JuryError", "add_deliberation_round", "add_expert", "add_juror", "add_observer", "cast_ballot", "check_manage",
    "close_verdict", "create_jury", "do_add_juror", "move_jury", "open_adoption_vote", "open_verdict",
    "publish_recommendation", "remove_juror", "save_recommendation", "start_deliberation", "start_drafting", "start_hearing", "tally", "write_minority_opinion",
]
