"""The administrators' page of backups: the last runs, their size and whether they verified. Backups hold
every office's data, so only superusers (the deployment's administrators) see it; nothing is edited here."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.lib import thaidate
from plans.templatetags.thai import thnum

from .models import BackupRun


@admin.register(BackupRun)
class BackupRunAdmin(admin.ModelAdmin):
    list_display = ("started", "file", "size_mb", "state", "error_line")
    list_filter = ("state",)
    readonly_fields = ("started_at", "finished_at", "file", "size", "state", "error")

    @admin.display(description=_("started"), ordering="started_at")
    def started(self, run):
        return thaidate.format_datetime(timezone.localtime(run.started_at))

    @admin.display(description=_("size (MB)"), ordering="size")
    def size_mb(self, run):
        return thnum(run.size / (1024 * 1024), 1)

    @admin.display(description=_("error"))
    def error_line(self, run):
        return run.error.splitlines()[0][:120] if run.error else ""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
