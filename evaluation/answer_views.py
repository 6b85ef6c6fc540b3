"""Answering: evaluators with an account in Tidtam, outside evaluators through their signed link (no login).
Both see only the project's summary and the rated criteria, answer once and may change it until the deadline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reviews.machine import WorkflowError, status_for

from . import links, services
from .models import Invitation


def _page(request, invitation, *, action, status=200, error=""):
    project = invitation.evaluation.project
    form = services.current_form(project.fiscal_year)
    criteria = services.rated_criteria(form) if form else []
    given = {a.criterion.code: a for a in invitation.answers.select_related("criterion")}
    posted = request.POST if request.method == "POST" else None
    rows = []
    for criterion in criteria:
        before = given.get(criterion.code)
        rate = (posted.get(f"rate-{criterion.pk}", "") if posted is not None
                else str(before.rate) if before else "")
        comment = (posted.get(f"comment-{criterion.pk}", "") if posted is not None
                   else before.comment if before else "")
        rows.append({"criterion": criterion, "rate": rate, "comment": comment})
    is_open = form is not None and services.accepts_answers(form, timezone.localdate())
    return render(request, "evaluation/answer.html", {
        "invitation": invitation, "project": project, "eform": form, "rows": rows, "action": action,
        "is_open": is_open, "error": error, "outside": invitation.is_outside,
    }, status=status)


def _handle(request, invitation, *, action, done_url):
    form = services.current_form(invitation.evaluation.project.fiscal_year)
    if form is not None and not services.accepts_answers(form, timezone.localdate()):
        # after the deadline the link (or the page) answers nothing, whatever the method
        return _page(request, invitation, action=action, status=403, error=_(
            "The evaluation closed on its deadline; answers can no longer be given or changed."))
    if request.method == "POST":
        try:
            services.answer(invitation.pk, data=request.POST)
        except WorkflowError as error:
            return _page(request, invitation, action=action, status=status_for(error), error=str(error))
        messages.success(request, _("Thank you: your answer is saved. You may change it until the deadline."))
        return redirect(done_url)
    return _page(request, invitation, action=action)


@login_required
@require_http_methods(["GET", "POST"])
def answer(request, pk: int):
    """An evaluator with an account answers in Tidtam: only their own invitation (another's is not found)."""
    invitation = get_object_or_404(Invitation.objects.select_related(
        "evaluation__project__fiscal_year", "evaluation__project__group"), pk=pk, user=request.user)
    return _handle(request, invitation, action=request.path, done_url=request.path)


@require_http_methods(["GET", "POST"])
def answer_link(request, token: str):
    """An outside evaluator answers through the signed link, without logging in."""
    try:
        invitation = links.invitation_for(token)
    except links.LinkRefused as refused:
        return render(request, "evaluation/link_refused.html", {"message": refused.message}, status=refused.status)
    return _handle(request, invitation, action=request.path, done_url=request.path)
