"""Every write of the live rooms; the consumer, views and tasks call these and nothing else."""

from deliberation.rooms.services.chat import chat_ack, clean_chat_text, hide_message, post_message
from deliberation.rooms.services.clock import (
    ClockError, adjust_round, end_room, expire_due_rounds, expire_round, open_room, pause_round, resume_round,
    skip_round, start_round,
)
from deliberation.rooms.services.floor import FloorError, invite_to_speak, vote_move_on
from deliberation.rooms.services.live_polls import (
    PollError, answer_poll, close_poll, expire_due_polls, expire_poll, flush_poll_results, open_poll,
)
from deliberation.rooms.services.moderation import mute_member, remove_member, unmute_member
from deliberation.rooms.services.presence import (
    connected, disconnected, disconnected_many, flush_due_presence, flush_presence, heartbeat,
)
from deliberation.rooms.services.questions import (
    QuestionError, ask_question, mark_question, remove_vote, upvote_question,
)
from deliberation.rooms.services.queue import (
    QueueError, end_turn, expire_due_turns, expire_turn, give_floor, lower_hand, raise_hand,
)
from deliberation.rooms.services.rooms import (
    create_room, enter, enter_many, invite_to_room, join, save_agenda_template,
)
from deliberation.rooms.services.tables import (
    TableError, bring_back, move_to_table, set_table_facilitator, split_into_tables, submit_summary,
)

__all__ = [
    "ClockError", "adjust_round", "chat_ack", "clean_chat_text", "enter", "enter_many", "create_room", "end_room",
    "expire_due_rounds", "expire_round", "hide_message", "invite_to_room", "join", "open_room", "pause_round",
    "post_message", "resume_round", "save_agenda_template", "skip_round",
    "start_round",
    # the speaking queue and moderation
    "QueueError", "end_turn", "expire_due_turns", "expire_turn", "give_floor", "lower_hand", "mute_member",
    "raise_hand", "remove_member", "unmute_member",
    # questions, the fair floor and the vote to move on
    "FloorError", "QuestionError", "ask_question", "invite_to_speak", "mark_question",
    "remove_vote", "upvote_question", "vote_move_on",
    # live polls
    "PollError", "answer_poll", "close_poll", "expire_due_polls", "expire_poll", "flush_poll_results",
    "open_poll",
    # presence and tables
    "TableError", "bring_back", "connected", "disconnected", "disconnected_many", "flush_due_presence",
    "flush_presence", "heartbeat",
    "move_to_table", "set_table_facilitator", "split_into_tables", "submit_summary",
]
