from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.offices import current_office
from documents.responses import xlsx_response

from . import linkage
from .access import manages_lists, require_reader
from .forms import ImportForm, LinkageItemForm
from .models import LinkageItem


def _office_for_lists(request):
    """The office whose lists are shown; a superuser may work on the global lists with ``?scope=global``."""
    if request.user.is_superuser and (request.GET.get("scope") or request.POST.get("scope")) == "global":
        return None
    return current_office(request)


@login_required
@require_GET
def lists(request):
    require_reader(request.user)
    office = _office_for_lists(request)
    items = LinkageItem.objects.filter(office=office) if office is None else LinkageItem.objects.filter(
        Q(office=office) | Q(office__isnull=True))
    can_edit = request.user.is_superuser if office is None else manages_lists(request.user, office)
    return render(request, "emenscr/lists.html", {
        "items": items.order_by("level", "code"), "office": office, "can_edit": can_edit,
        "levels": LinkageItem.Level.choices, "form": ImportForm(), "is_global": office is None})


def _require_editor(request, office):
    allowed = request.user.is_superuser if office is None else manages_lists(request.user, office)
    if not allowed:
        raise PermissionDenied(_("Only planning staff and administrators change the reference lists."))


@login_required
@require_GET
def template_download(request):
    require_reader(request.user)
    office = _office_for_lists(request)
    items = LinkageItem.objects.filter(office=office).order_by("level", "code")
    return xlsx_response(linkage.template(linkage.export_rows(items)), "emenscr-linkage.xlsx")


@login_required
@require_POST
def import_lists(request):
    office = _office_for_lists(request)
    _require_editor(request, office)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "emenscr/import_result.html", {"issues": [], "form_errors": form.errors}, status=400)
    counts, issues = linkage.import_workbook(form.cleaned_data["file"], office=office)
    if issues:
        return render(request, "emenscr/import_result.html", {"issues": issues}, status=400)
    messages.success(request, _("Reference lists imported: %(created)s added, %(updated)s changed.") % {
        "created": counts[0], "updated": counts[1]})
    return redirect(_back(office))


@login_required
@require_POST
def load_starter(request):
    office = _office_for_lists(request)
    _require_editor(request, office)
    created, updated = linkage.load_starter(office=office)
    messages.success(request, _("Reference lists imported: %(created)s added, %(updated)s changed.") % {
        "created": created, "updated": updated})
    return redirect(_back(office))


def _back(office):
    from django.urls import reverse

    return reverse("emenscr:lists") + ("?scope=global" if office is None else "")


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int | None = None):
    require_reader(request.user)
    if pk is None:
        office = _office_for_lists(request)
        item = LinkageItem(office=office)
    else:
        item = get_object_or_404(LinkageItem, pk=pk)
        office = item.office
        if office is not None and office.pk != current_office(request).pk and not request.user.is_superuser:
            raise Http404
    _require_editor(request, office)
    data = request.POST if request.method == "POST" else None
    form = LinkageItemForm(data, instance=item, office=office)
    if data is not None:
        if request.POST.get("delete") and item.pk:
            from django.db.models import ProtectedError

            try:
                item.delete()
            except ProtectedError:
                messages.error(request, _("This entry is used by projects and cannot be removed."))
                return redirect("emenscr:item", pk=item.pk)
            messages.success(request, _("The entry was removed."))
            return redirect(_back(office))
        if form.is_valid():
            form.save()
            messages.success(request, _("The entry was saved."))
            return redirect(_back(office))
    return render(request, "emenscr/item_form.html", {"form": form, "item": item, "office": office},
                  status=400 if data is not None else 200)
