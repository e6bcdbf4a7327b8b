"""The proposal pages: thin views that parse input, ask rules, and call services and selectors."""

from .authoring import my_proposals, proposal_create, proposal_edit, proposal_publish, proposal_withdraw
from .browse import export, proposal_detail, proposal_list
from .follow_ups import follow_up_queue, follow_up_work, public_follow_ups
from .moderation import moderate, moderation_queue
from .notifications import notification_settings, notifications
from .participation import clarification_reply, comment, flag, follow, support

__all__ = [
    "clarification_reply", "comment", "export", "flag", "follow", "notification_settings", "follow_up_queue", "follow_up_work", "moderate",
    "moderation_queue", "my_proposals", "notifications", "proposal_create", "proposal_detail", "proposal_edit",
    "proposal_list", "proposal_publish", "proposal_withdraw", "public_follow_ups", "support",
]
