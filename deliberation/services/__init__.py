"""Every write of the deliberation module; the consumer, views and tasks call these and nothing else."""

from .chat import chat_ack, clean_chat_text, hide_message, post_message
from .clock import (
    ClockError, adjust_round, end_room, expire_due_rounds, expire_round, open_room, pause_round, resume_round,
    round_data, skip_round, start_round,
)
from .floor import FloorError, invite_to_speak, vote_move_on
from .moderation import mute_member, remove_member, unmute_member
from .polls import (
    PollError, answer_poll, close_poll, expire_due_polls, expire_poll, flush_poll_results, open_poll, poll_results,
)
from .questions import QuestionError, ask_question, mark_question, questions_data, remove_vote, upvote_question
from .queue import (
    QueueError, end_turn, expire_due_turns, expire_turn, give_floor, lower_hand, queue_data, raise_hand,
)
from .draws import DrawError, perform_draw, prepare_draw
from .invitations import (
    ON_CONFIRMED, InvitationError, expire_due_invitations, respond, send_invitations, withdraw,
)
from .pool import leave_pool, standing_pool, volunteer
from .pool_import import import_pool
from .presence import (
    connected, disconnected, disconnected_many, flush_due_presence, flush_presence, heartbeat,
)
from .rooms import create_room, enter, enter_many, invite, join, room_state_snapshot, save_agenda_template
from .tables import (
    TableError, bring_back, move_to_table, readable_tables, set_table_facilitator, split_into_tables, submit_summary,
    tables_data,
)

__all__ = [
    "ClockError", "adjust_round", "chat_ack", "clean_chat_text", "enter", "enter_many", "create_room", "end_room",
    "expire_due_rounds", "expire_round", "hide_message", "invite", "join", "open_room", "pause_round",
    "post_message", "resume_round", "room_state_snapshot", "round_data", "save_agenda_template", "skip_round",
    "start_round",
    # the speaking queue and moderation
    "QueueError", "end_turn", "expire_due_turns", "expire_turn", "give_floor", "lower_hand", "mute_member",
    "queue_data", "raise_hand", "remove_member", "unmute_member",
    # questions, the fair floor and the vote to move on
    "FloorError", "QuestionError", "ask_question", "invite_to_speak", "mark_question", "questions_data",
    "remove_vote", "upvote_question", "vote_move_on",
    # live polls
    "PollError", "answer_poll", "close_poll", "expire_due_polls", "expire_poll", "flush_poll_results",
    "open_poll", "poll_results",
    # presence and tables
    "TableError", "bring_back", "connected", "disconnected", "disconnected_many", "flush_due_presence",
    "flush_presence", "heartbeat",
    "move_to_table", "readable_tables", "set_table_facilitator", "split_into_tables", "submit_summary",
    "tables_data",
]
__all__ += ["DrawError", "import_pool", "leave_pool", "perform_draw", "prepare_draw", "standing_pool", "volunteer"]
from .deliberative_polls import (  # noqa: E402
    DPollError, add_material, add_participant, add_question, close_dpoll, create_dpoll, move_poll, open_t1, open_t2,
    publish_dpoll, remove_question, seat_drawn_panel, set_control, set_margins, start_dpoll_deliberation,
    submit_response, update_question,
)

__all__ += ["DPollError", "add_material", "add_participant", "add_question", "close_dpoll", "create_dpoll",
            "move_poll", "open_t1", "open_t2", "publish_dpoll", "remove_question", "seat_drawn_panel", "set_control",
            "set_margins", "start_dpoll_deliberation", "submit_response", "update_question"]

from .juries import (  # noqa: E402
    JuryError, add_deliberation_round, add_expert, add_juror, add_observer, create_jury, move_jury, remove_juror,
    start_deliberation, start_drafting, start_hearing,
)
from .verdicts import (  # noqa: E402
    cast_ballot, close_verdict, open_adoption_vote, open_verdict, publish_recommendation, save_recommendation,
    tally, write_minority_opinion,
)

__all__ += [
    "JuryError", "add_deliberation_round", "add_expert", "add_juror", "add_observer", "cast_ballot", "close_verdict",
    "create_jury", "move_jury", "open_adoption_vote", "open_verdict", "publish_recommendation", "remove_juror",
    "save_recommendation", "start_deliberation", "start_drafting", "start_hearing", "tally", "write_minority_opinion",
]

__all__ += ["ON_CONFIRMED", "InvitationError", "expire_due_invitations", "respond", "send_invitations", "withdraw"]

from . import panels  # noqa: E402,F401  (registers the seating of confirmed invitations)
