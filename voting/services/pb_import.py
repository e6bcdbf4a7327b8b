"""The .pb import as a background job (imports.registry): a draft budget vote, or a past election with
its ballots counted. The form's fields travel in the job's params; the file is read by formats.py."""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Department
from imports.registry import ImportRefused

from ..tally import pabulib
from .formats import election_from_pb, vote_from_pb


def run_pb_import(job, source, progress) -> tuple[str, str]:
    params = job.params
    opens_at, closes_at = (datetime.fromisoformat(params[name]) for name in ("opens_at", "closes_at"))
    try:
        if params.get("with_ballots"):
            department = Department.objects.filter(pk=params.get("department")).first()
            vote = election_from_pb(source=source, actor=job.created_by, opens_at=opens_at, closes_at=closes_at,
                                    rule=params["rule"], department=department, progress=progress)
            return (_("The past election is imported with %(n)d ballots and counted.")
                    % {"n": vote.result.get("ballots", 0)}, reverse("voting:results", args=[vote.pk]))
        vote = vote_from_pb(source=source, actor=job.created_by, opens_at=opens_at, closes_at=closes_at,
                            rule=params["rule"])
    except (pabulib.PabulibError, ValueError) as problem:  # the reader says where; one line a problem
        raise ImportRefused(_("This file cannot be read: %(problem)s") % {"problem": line}
                            for line in str(problem).splitlines()) from None
    return (_("The budget vote is imported as a draft with %(n)d projects. Check it, choose its department, then "
              "schedule it.") % {"n": vote.options.count()}, reverse("voting:edit", args=[vote.pk]))
