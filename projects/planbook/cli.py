"""Which office and fiscal year a command works on: shared by the plan workbook commands (export_plan,
export_plan_template, import_plan) and the reporting commands (build_annual_report, export_compilation)."""

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from accounts.models import Office
from plans.lib import fiscal
from plans.models import FiscalYear


def command_office(code: str | None, *, required: bool = True) -> Office | None:
    """``--office CODE``; else ``TIDTAM_DEFAULT_OFFICE``; else the first service area office (สพป./สพม.)."""
    code = code or settings.TIDTAM_DEFAULT_OFFICE
    if code:
        office = Office.objects.filter(code=code).first()
        if office is None:
            raise CommandError(_("Unknown office code '%(code)s'.") % {"code": code})
        return office
    office = Office.objects.filter(kind__in=[Office.Kind.PRIMARY, Office.Kind.SECONDARY]).order_by("id").first()
    if office is None and required:
        raise CommandError(_("There is no service area office yet; give one with --office CODE."))
    return office


def command_fiscal_year(office: Office, year: str) -> FiscalYear:
    try:
        year_be = fiscal.parse_year_be(year)
    except fiscal.FiscalYearError as error:
        raise CommandError(str(error)) from None
    fy = FiscalYear.objects.filter(office=office, year=year_be).first()
    if fy is None:
        raise CommandError(_("Fiscal year %(year)s does not exist for %(office)s (%(code)s).") % {
            "year": year_be, "office": office.name, "code": office.code})
    return fy
