"""The annual operating plan and performance report: generated from the record, edited, published (fixed)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.lifecycle import IllegalTransition, Lifecycle
from frontend.markdown import render_markdown

from governance.meetings import rules, selectors
from governance.meetings.drafts import draft_text
from governance.models import AnnualDocument, Committee
from governance.states import DOCUMENT_TRANSITIONS, DocumentState


class DocumentError(IllegalTransition):
    """A move an annual document's lifecycle does not allow."""


DOCUMENT_LIFECYCLE = Lifecycle(
    AnnualDocument, DOCUMENT_TRANSITIONS, error=DocumentError, labels=DocumentState, code="illegal",
    message=gettext_noop("An annual document cannot go from “%(from)s” to “%(to)s”."),
    stamps={DocumentState.PUBLISHED: "published_at"},
)


def _check(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


@transaction.atomic
def generate_document(*, actor, committee: Committee, year: int, kind: str) -> AnnualDocument:
    """The year's figures and a Markdown draft from them. Generating again refreshes a draft's figures;
    its text is redrawn only while nobody has edited it. A published document is fixed."""
    _check(rules.refuse_manage(actor, committee))
    if kind not in AnnualDocument.Kind.values:
        raise ValidationError({"kind": _("Choose the annual plan or the performance report.")})
    doc = AnnualDocument.objects.select_for_update().filter(committee=committee, year=year, kind=kind).first()
    if doc is not None:
        _check(rules.refuse_edit_document(actor, doc))
    figures = selectors.year_figures(committee, year)
    if doc is None:
        doc = AnnualDocument(committee=committee, year=year, kind=kind)
    doc.figures, doc.generated_at = figures, timezone.now()
    if not doc.edited_by_id:
        doc.body = draft_text(committee, kind, figures)
        doc.body_html = render_markdown(doc.body)
    doc.full_clean(exclude=["edited_by"])
    doc.save()
    return doc


@transaction.atomic
def edit_document(*, actor, document: AnnualDocument, body: str) -> AnnualDocument:
    doc = AnnualDocument.objects.select_for_update().select_related("committee").get(pk=document.pk)
    _check(rules.refuse_edit_document(actor, doc))
    doc.body = body.strip()
    doc.body_html = render_markdown(doc.body)
    doc.edited_by = actor
    doc.full_clean()
    doc.save(update_fields=["body", "body_html", "edited_by"])
    return doc


@transaction.atomic
def publish_document(*, actor, document: AnnualDocument) -> AnnualDocument:
    doc = AnnualDocument.objects.select_for_update().select_related("committee").get(pk=document.pk)
    _check(rules.refuse_manage(actor, doc.committee))
    return DOCUMENT_LIFECYCLE.move(doc, DocumentState.PUBLISHED, actor=actor)
