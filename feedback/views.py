"""The questionnaire's pages: answering (every user, for their office's current year), the results per role
(planning staff and the director) and the office's items (planning staff and administrators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.offices import current_office
from accounts.permissions import MANAGERS, SURVEY_READERS, acts_for
from plans.choosing import chosen_fiscal_year
from plans.templatetags.thai import fiscal_label

from . import services
from .models import Level, SurveyItem

ITEM_TEXT_MAX = SurveyItem._meta.get_field("text").max_length
NEW_ROWS = 3


def _scores(post, items) -> tuple[dict, dict]:
    """(key → score, key → the raw value) of the posted ratings; bad ones are left out of the scores."""
    scores, raw = {}, {}
    for n, item in enumerate(items):
        key = services.key_of(item, n)
        value = post.get(f"item-{key}", "")
        raw[key] = value
        if value.isdecimal() and 1 <= int(value) <= 5:
            scores[key] = int(value)
    return scores, raw


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request):
    fy = services.year_to_answer(request.user)
    if fy is None:
        return render(request, "feedback/answer.html", {"fy": None})
    items = services.items_of(fy.office)
    mine = services.answer_of(request.user, fy)
    given = {r.item_id: r.score for r in mine.ratings.all()} if mine else {}
    raw = {services.key_of(item, n): str(given.get(item.pk, "")) for n, item in enumerate(items)}
    comment = mine.comment if mine else ""
    error, status = "", 200
    if request.method == "POST":
        scores, raw = _scores(request.POST, items)
        comment = request.POST.get("comment", "")
        try:
            if len(scores) != len(items):
                raise services.SurveyError(_("Rate every statement from 1 to 5."))
            services.save_answer(request.user, fy, scores=scores, comment=comment)
        except services.SurveyError as problem:
            error, status = str(problem), 400
        else:
            messages.success(request, _("Thank you: your answer for %(year)s is saved. You may change it until "
                                        "the end of the fiscal year.") % {"year": fiscal_label(fy)})
            return redirect("feedback:answer")
    rows = [{"item": item, "key": services.key_of(item, n), "value": raw.get(services.key_of(item, n), "")}
            for n, item in enumerate(items)]
    return render(request, "feedback/answer.html", {
        "fy": fy, "rows": rows, "levels": Level.choices, "comment": comment, "answered": mine, "error": error,
        "may_read_results": acts_for(request.user, fy.office, *SURVEY_READERS),
    }, status=status)


@login_required
@require_safe
def results(request):
    office, years, fy = chosen_fiscal_year(request)
    if not acts_for(request.user, office, *SURVEY_READERS):
        raise PermissionDenied
    if fy is None:
        raise Http404
    outcome = services.results(fy)
    rows = [{"item": item, "means": [column.mean(item.pk) for column in outcome.columns]} for item in outcome.items]
    return render(request, "feedback/results.html", {
        "fy": fy, "years": years, "office": office, "outcome": outcome, "rows": rows,
        "may_edit_items": acts_for(request.user, office, *MANAGERS),
    })


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def items(request):
    office = current_office(request)
    if not acts_for(request.user, office, *MANAGERS):
        raise PermissionDenied
    stored = list(SurveyItem.objects.filter(office=office).order_by("order", "id"))
    error, status = "", 200
    if request.method == "POST":
        try:
            _save_items(request.POST, office, stored)
        except services.SurveyError as problem:
            error, status = str(problem), 400
        else:
            messages.success(request, _("The questionnaire's statements are saved."))
            return redirect("feedback:items")
    shown = stored or services.items_of(office)
    return render(request, "feedback/items.html", {
        "office": office, "shown": [(services.key_of(item, n), item) for n, item in enumerate(shown)], "defaults": not stored, "new_rows": range(1, NEW_ROWS + 1),
        "error": error, "max_length": ITEM_TEXT_MAX,
    }, status=status)


def _save_items(post, office, stored) -> None:
    """Change, retire and add the office's statements; every row is checked before anything is written."""
    if not stored:  # the defaults are shown as rows d0, d1 … until the office saves its own
        stored = services.items_of(office)
    keys = {services.key_of(item, n) for n, item in enumerate(stored)}
    if any(key.startswith("text-") and key[5:] not in keys for key in post):
        raise Http404  # another office's item, or none
    changes, new = [], []
    for n, item in enumerate(stored):
        key = services.key_of(item, n)
        text = post.get(f"text-{key}", item.text).strip()
        order = post.get(f"order-{key}", str(item.order)).strip()
        if not text or len(text) > ITEM_TEXT_MAX:
            raise services.SurveyError(_("Every statement needs a text of at most %(n)s characters.")
                                       % {"n": ITEM_TEXT_MAX})
        if not order.isdecimal() or int(order) > 999:
            raise services.SurveyError(_("The order is a whole number from 0 to 999."))
        changes.append((item, text, int(order), post.get(f"active-{key}") == "on"))
    for n in range(1, NEW_ROWS + 1):
        text = post.get(f"new-{n}", "").strip()
        if len(text) > ITEM_TEXT_MAX:
            raise services.SurveyError(_("Every statement needs a text of at most %(n)s characters.")
                                       % {"n": ITEM_TEXT_MAX})
        if text:
            new.append(SurveyItem(office=office, text=text, order=len(changes) + n))
    if not new and not any(active for *_rest, active in changes):
        raise services.SurveyError(_("Keep at least one statement asked."))
    with transaction.atomic():
        for item, text, order, active in changes:
            item.text, item.order, item.active = text, order, active
            item.save()
        SurveyItem.objects.bulk_create(new)
