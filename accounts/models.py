"""Offices, their groups (กลุ่ม), users and roles.

The office is the root of all data. Offices form a tree (OBEC → region →
service area office) so that a central viewer attached to OBEC or a region
reads every office beneath it, and nobody else reads across offices.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Office(models.Model):
    class Kind(models.TextChoices):
        PRIMARY = "spp", _("Primary Educational Service Area Office (สพป.)")
        SECONDARY = "spm", _("Secondary Educational Service Area Office (สพม.)")
        REGION = "region", _("Regional Education Office")
        OBEC = "obec", _("Office of the Basic Education Commission (สพฐ.)")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PRIMARY)
    province = models.CharField(_("province"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent office"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Materialised path of ids ("/1/4/9/") so a subtree is one prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return self.name

    # The official name's opening, as Thai offices abbreviate it (สพป.ชุมพร เขต 1, สพม. เขต 12).
    SHORT_PREFIXES = (("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา", "สพป."), ("สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา", "สพม."))

    @property
    def short_name(self) -> str:
        """The name as a table of many offices shows it: an area office's long opening abbreviated."""
        for long, short in self.SHORT_PREFIXES:
            if self.name.startswith(long):
                rest = self.name[len(long):]
                return short + (" " + rest.lstrip() if rest.startswith(" ") else rest)
        return self.name

    @property
    def is_area_office(self) -> bool:
        """An educational service area office (สพป./สพม.): the office that holds plans and projects."""
        return self.kind in (self.Kind.PRIMARY, self.Kind.SECONDARY)

    def clean(self):
        node = self.parent
        while node is not None:
            if self.pk and node.pk == self.pk:
                raise ValidationError({"parent": _("An office cannot be placed beneath itself.")})
            node = node.parent

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path != self.path:
            moved = bool(self.path)
            self.path = path
            Office.objects.filter(pk=self.pk).update(path=path)
            if moved:
                for child in self.children.all():
                    child.save()

    def subtree(self):
        return Office.objects.filter(path__startswith=self.path)


class WorkGroup(models.Model):
    """A group (กลุ่ม) of an office, e.g. กลุ่มนโยบายและแผน."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["office", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["office", "code"], name="workgroup_unique_code_per_office")]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self):
        return self.name

    def display_name(self, language: str = "th") -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Role(models.TextChoices):
    PLANNING = "planning", _("Planning staff")
    OWNER = "owner", _("Project owner")
    GROUP_HEAD = "group_head", _("Group head")
    FINANCE = "finance", _("Finance staff")
    DIRECTOR = "director", _("Director")
    COMMITTEE = "committee", _("Committee viewer")
    ADMIN = "admin", _("Administrator")
    CENTRAL = "central", _("Central viewer (OBEC/region)")


# Roles whose holder reads everything in their office, not only their groups' work.
OFFICE_WIDE_ROLES = frozenset({Role.PLANNING, Role.DIRECTOR, Role.FINANCE, Role.COMMITTEE, Role.ADMIN})
# Roles that may change office settings: holidays, calendars, users.
MANAGER_ROLES = frozenset({Role.PLANNING, Role.ADMIN})
# Roles that only ever read.
READ_ONLY_ROLES = frozenset({Role.COMMITTEE, Role.CENTRAL})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    wants_digest = models.BooleanField(_("weekly digest by e-mail"), default=True)
    # The office a central viewer (or a superuser) last chose to work in: kept across logins.
    chosen_office = models.ForeignKey(
        Office, verbose_name=_("office last chosen"), on_delete=models.SET_NULL, related_name="+",
        null=True, blank=True, editable=False,
    )
    work_groups = models.ManyToManyField(WorkGroup, verbose_name=_("groups"), blank=True, related_name="members")
    language = models.CharField(
        _("language"), max_length=5, default="th", choices=[("th", "ไทย"), ("en", "English")]
    )
    is_staff = models.BooleanField(
        _("may use the admin site"), default=False,
        help_text=_("Administrators of the office use the admin site for users, groups and roles."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.email.strip().lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @cached_property
    def group_ids(self) -> frozenset[int]:
        return frozenset(self.work_groups.values_list("id", flat=True))

    @property
    def sees_whole_office(self) -> bool:
        return self.is_superuser or bool(self.role_set & OFFICE_WIDE_ROLES)

    @property
    def manages_office(self) -> bool:
        return self.is_superuser or bool(self.role_set & MANAGER_ROLES)

    @property
    def is_read_only(self) -> bool:
        return not self.is_superuser and bool(self.role_set) and self.role_set <= READ_ONLY_ROLES

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in sorted(self.role_set)]


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="userrole_unique")]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return str(Role(self.role).label)
