from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from documents.excel import XLSX_CONTENT_TYPE


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=_("Plan workbook (.xlsx)"),
        help_text=_("Fill in the template (or an export of the plan) and upload it here."),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and show what would change, without saving"), required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.TIDTAM_MAX_WORKBOOK_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB."), code="too_big",
                params={"limit": f"{limit / (1024 * 1024):,.0f}"},
            )
        head = upload.read(4)
        upload.seek(0)
        if not upload.name.lower().endswith(".xlsx") or head != b"PK\x03\x04":
            raise forms.ValidationError(_("This file is not an Excel workbook (.xlsx)."), code="not_xlsx")
        return upload
