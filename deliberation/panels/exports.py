"""A panel's downloads for staff: the standing pool and a draw's people as spreadsheets, a draw's
quotas byte for byte, and the open invitations as a mail merge of letters.

People's rows are imported text: as spreadsheets they go through the one CSV helper (the BOM, no
cell runs as a formula); the stored, hashed snapshot itself is kept verbatim. QUOTAS.csv is public
and checked by anyone against its published hash and with `manage.py draw`, so it is served as stored.
"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from frontend.spreadsheet import csv_response, stored_csv_response

from deliberation.panels import selectors
from deliberation.panels.models import Draw, Pool


def pool_csv(pool: Pool) -> HttpResponse:
    """The pool in the Sortition Foundation's layout: the id first, one column per attribute."""
    return stored_csv_response("citizen-pool.csv", selectors.pool_people_csv(pool))


def draw_file(draw: Draw, name: str) -> HttpResponse:
    """``people``: the pool's rows the draw stored (staff open it in spreadsheets); ``quotas``: as stored."""
    filename = f"draw-{draw.pk}-{name}.csv"
    if name == "people":
        return stored_csv_response(filename, draw.people_csv)
    response = HttpResponse(draw.quotas_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def invitation_letters(draw: Draw) -> HttpResponse:
    """The open invitations for a mail merge of letters: seat, person id, account, deadline, the link.
    The link is the invited person's key to answer: people's data, for staff only."""
    site = settings.SITE_URL.rstrip("/")
    return csv_response(f"draw-{draw.pk}-letters.csv", ["seat", "person_id", "has_account", "deadline", "link"], (
        [invitation.seat, invitation.person_id, "yes" if invitation.user_id else "no",
         timezone.localtime(invitation.deadline_at).strftime("%Y-%m-%d %H:%M"),
         site + reverse("panels:invitation_token", args=[invitation.token])]
        for invitation in draw.invitations.filter(state="invited").order_by("seat")))
