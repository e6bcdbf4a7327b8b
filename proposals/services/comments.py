"""Comments on proposals, one level of replies."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.ratelimit import check_rate
from frontend.markdown import render_markdown

from .. import rules
from ..models import COMMENT_MAX, Comment, Proposal
from .lifecycle import check_text_length
from .notifications import notify


@transaction.atomic
def add_comment(*, author, proposal: Proposal, body: str, parent: Comment | None = None) -> Comment:
    refusal = rules.refuse_comment(author, proposal, parent)
    if refusal:
        raise PermissionDenied(refusal)
    comment = Comment(proposal=proposal, author=author, parent=parent, body=body.strip())
    check_text_length(field="body", text=comment.body, limit=COMMENT_MAX)
    comment.body_html = render_markdown(comment.body)
    comment.full_clean(exclude=["author", "proposal", "parent"])
    check_rate(action="comment.create", user_id=author.pk)
    comment.save()
    if parent is not None and parent.author_id != author.pk:
        notify(kind="comment_reply", proposal=proposal, recipients=[parent.author_id])
    return comment
