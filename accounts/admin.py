"""Admin screens for offices, groups, users and roles.

Office administrators (staff users with the administrator role) see and edit
only their own office; superusers see every office. An office administrator never
sees, edits or sets the password of a superuser or of a user holding a role above
the office (central viewer), and cannot grant such a role.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.lib import thaidate

from . import permissions as can
from .models import Office, User, UserRole, WorkGroup
from .permissions import ABOVE_OFFICE_ROLES

admin.site.site_header = _("Tidtam administration")
admin.site.site_title = _("Tidtam")
admin.site.index_title = _("Users, groups, roles and settings")


def be_datetime(moment) -> str:
    """The admin's dates in the Buddhist era (Django's ``th`` formats give Thai months but Christian years)."""
    if moment is None:
        return "—"
    return thaidate.format_datetime(timezone.localtime(moment) if timezone.is_aware(moment) else moment)


class OfficeScopedAdmin(admin.ModelAdmin):
    office_field = "office"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{self.office_field: request.user.office_id})

    def has_module_permission(self, request):
        return can.uses_admin_site(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission
    has_delete_permission = has_view_permission

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.name == "office":
                kwargs["queryset"] = Office.objects.filter(pk=request.user.office_id)
                kwargs["initial"] = request.user.office_id
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "work_groups" and not request.user.is_superuser:
            kwargs["queryset"] = WorkGroup.objects.filter(office_id=request.user.office_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "province", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "name_en", "province")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


@admin.register(WorkGroup)
class WorkGroupAdmin(OfficeScopedAdmin):
    list_display = ("name", "code", "office", "order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "name_en", "code")
    ordering = ("office", "order")


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1

    def _allowed(self, request, obj=None):
        return can.uses_admin_site(request.user)

    has_view_permission = has_change_permission = has_add_permission = has_delete_permission = _allowed

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [(value, label) for value, label in db_field.choices if value not in ABOVE_OFFICE_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class UserForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "office")


@admin.register(User)
class UserAdmin(OfficeScopedAdmin, BaseUserAdmin):
    form = UserForm
    add_form = UserCreationForm
    inlines = [UserRoleInline]
    list_display = ("email", "full_name", "office", "roles", "is_active", "last_login_be")
    list_filter = ("is_active", "role_assignments__role", "work_groups")
    search_fields = ("email", "full_name")
    ordering = ("office", "full_name")
    filter_horizontal = ("work_groups",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "position", "language")}),
        (_("Office and groups"), {"fields": ("office", "work_groups")}),
        (_("Access"), {"fields": ("is_active", "is_staff")}),
        (_("Dates"), {"fields": ("last_login_be", "date_joined_be")}),
    )
    superuser_fieldsets = (
        (_("Superuser"), {"fields": ("is_superuser",)}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "office", "password1", "password2")}),
    )
    readonly_fields = ("last_login_be", "date_joined_be")

    @admin.display(description=_("last login"), ordering="last_login")
    def last_login_be(self, obj):
        return be_datetime(obj.last_login)

    @admin.display(description=_("date joined"), ordering="date_joined")
    def date_joined_be(self, obj):
        return be_datetime(obj.date_joined)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            fieldsets = fieldsets + self.superuser_fieldsets
        return fieldsets

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(obj.role_labels())

    def get_queryset(self, request):
        qs = super().get_queryset(request).prefetch_related("role_assignments").select_related("office")
        if not request.user.is_superuser:
            # Nobody climbs: superusers and central viewers are out of an office administrator's reach.
            qs = qs.filter(is_superuser=False).exclude(role_assignments__role__in=ABOVE_OFFICE_ROLES)
        return qs
