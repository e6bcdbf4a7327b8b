"""A committee's decisions and recommendations, sent to a department's follow-up queue with a due date."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontend.markdown import render_markdown
from proposals.services import open_follow_up

from governance.meetings import rules
from governance.models import CommitteeRecommendation, Meeting


@transaction.atomic
def adopt_recommendation(*, actor, meeting: Meeting, title: str, body: str, department,
                         kind: str = CommitteeRecommendation.Kind.RECOMMENDATION) -> CommitteeRecommendation:
    """The committee adopts ``title``/``body`` at ``meeting``: the department gets a follow-up item due
    ``committee.recommendation_due_days`` from now, and answers it from its queue."""
    meeting = Meeting.objects.select_related("committee").get(pk=meeting.pk)
    refusal = rules.refuse_recommendation(actor, meeting)
    if refusal:
        raise PermissionDenied(refusal)
    committee = meeting.committee
    rec = CommitteeRecommendation(committee=committee, meeting=meeting, kind=kind, title=title.strip(),
                                  body=body.strip(), body_html=render_markdown(body.strip()), department=department,
                                  created_by=actor)
    if department is None:
        raise ValidationError({"department": _("Choose the department that answers.")})
    rec.full_clean(exclude=["follow_up", "created_by"])
    due_at = timezone.now() + timedelta(days=committee.recommendation_due_days)
    rec.follow_up = open_follow_up(department=department, title=rec.title, due_at=due_at)
    rec.save()
    return rec
