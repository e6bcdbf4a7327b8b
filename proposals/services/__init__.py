"""Every write of the proposals module; views, tasks and commands call these and nothing else."""

from .comments import add_comment
from .follow_ups import (
    move_follow_up, notify_overdue, open_follow_up, publish_answer, reply_to_clarification, request_clarification,
    update_progress,
)
from .lifecycle import (
    TransitionError, parse_tags, publish_proposal, save_draft, transition, update_search_vector,
    withdraw_proposal,
)
from .moderation import dismiss_flags, flag_content, hide_proposal, restore_proposal, set_comment_hidden
from .follows import do_follow, do_unfollow, follow_proposal, unfollow_proposal
from .notifications import mark_all_read, notify, notify_vote_followers, save_notification_settings
from .support import (
    add_support, close_expired_windows, close_support_window, escalate, windows_closing_soon, withdraw_support,
)

__all__ = [
    "TransitionError", "add_comment", "do_follow", "do_unfollow", "follow_proposal", "notify_vote_followers",
    "save_notification_settings", "unfollow_proposal", "add_support", "close_expired_windows", "close_support_window",
    "dismiss_flags", "escalate", "flag_content", "hide_proposal", "mark_all_read", "move_follow_up", "notify",
    "notify_overdue", "open_follow_up", "parse_tags", "publish_answer", "publish_proposal", "reply_to_clarification",
    "request_clarification", "restore_proposal", "save_draft", "set_comment_hidden", "transition",
    "update_progress", "update_search_vector", "windows_closing_soon", "withdraw_proposal", "withdraw_support",
]
