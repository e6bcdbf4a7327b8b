"""A participatory budget's projects: each project's public page, and staff writing what it says."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from .. import rules, selectors, services
from ..manage_forms import ProjectForm, add_service_errors


def _project_or_404(request, pk: int, position: int) -> dict:
    vote = selectors.visible_vote(pk=pk, viewer=request.user)
    project = selectors.budget_project(vote=vote, position=position) if vote is not None else None
    if project is None:
        raise Http404(_("No such project."))
    return {"vote": vote, **project}


def project_detail(request, pk: int, position: int):
    context = _project_or_404(request, pk, position)
    context["may_edit"] = rules.refuse_edit_project(request.user, context["vote"]) is None
    return render(request, "voting/project_detail.html", context)


@login_required
def project_edit(request, pk: int, position: int):
    context = _project_or_404(request, pk, position)
    vote, option = context["vote"], context["option"]
    refusal = rules.refuse_edit_project(request.user, vote)
    if refusal:
        raise PermissionDenied(refusal)
    initial = {"description": option.description, "district": option.district, "department": option.department}
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(option=option, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The project's page is saved."))
            return redirect("voting:project", pk=vote.pk, position=option.position)
    return render(request, "voting/project_form.html", {**context, "form": form})


urlpatterns = [
    path("votes/<int:pk>/projects/<int:position>/", project_detail, name="project"),
    path("votes/<int:pk>/projects/<int:position>/edit/", project_edit, name="project_edit"),
]
