"""Every write of the voting module: casting ballots, the vote lifecycle and its tally, open formats.

A package like proposals/services: ``ballots`` (checking and casting a ballot, receipts),
``lifecycle`` (scheduling, opening and closing by time, the tally, the hand-off to departments),
``formats`` (votes from and to .pb files). The counting itself is the pure core in voting/tally.
"""

from .ballots import BallotError, cast_ballot, clean_choices, ranking_from_ranks, receipt_hash, receipt_hashes
from .formats import check_past, election_from_pb, vote_from_blt, vote_from_cvr, vote_from_pb, vote_to_blt, vote_to_pb
from .lifecycle import (
    VoteError, decide_proposal, extend_close, hand_on, move_vote_if_due, schedule, sweep_votes, tally, transition,
)

__all__ = [
    "BallotError", "cast_ballot", "clean_choices", "ranking_from_ranks", "receipt_hash", "receipt_hashes",
    "check_past", "election_from_pb", "vote_from_blt", "vote_from_cvr", "vote_from_pb", "vote_to_blt", "vote_to_pb",
    "VoteError", "decide_proposal", "extend_close", "hand_on", "move_vote_if_due", "schedule",
    "sweep_votes", "tally", "transition",
]
from .authoring import (  # noqa: E402 (creating votes: staff's drafts, citizens' submissions, their review)
    OptionSpec, VoteSpec, approve_vote, cancel_vote, check_spec, create_vote, reject_vote, submit_vote, update_project,
    update_vote,
)

__all__ += [
    "OptionSpec", "VoteSpec", "approve_vote", "cancel_vote", "check_spec", "create_vote", "reject_vote",
    "submit_vote", "update_project", "update_vote",
]
from .follows import follow_vote, unfollow_vote  # noqa: E402 (following a vote)

__all__ += ["follow_vote", "unfollow_vote"]
