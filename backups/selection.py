"""What goes into an archive: the models in dependency order, the rows of one office, the private files.

A whole-deployment archive holds every row except the content types and permissions that ``migrate``
makes anyway. An office's archive holds the rows that reach that office through foreign keys (the shortest
chain that does not pass through a user, who may belong to another office), plus the form revisions that
the database trigger wrote for its forms.
"""

from collections import deque

from django.apps import apps
from django.core import serializers
from django.core.files.storage import storages
from django.db import models

# Made by migrate in every database; restored databases have them already.
MADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}
# Not an office's own data: logins, lock-outs, the admin site's log (it names objects by id as text).
NOT_OFFICE_DATA = {"sessions.session", "admin.logentry", "axes.accessfailurelog", "axes.accessattempt",
                   "axes.accessattemptexpiration", "axes.accesslog", "auth.group", "plans.holidayyear"}
# Deployment-wide reference lists (rows with no office) an office's rows may point at, with the natural key
# that finds the same row in another deployment: an office archive names them instead of holding them.
SHARED = {"emenscr.linkageitem": ("level", "code")}
# The private storages, and how a row names its file there.
STORAGES = ("evidence", "reports")
REVISION = "projects.reportrevision"  # written by a trigger; points at its form by a plain id


def label(model) -> str:
    return model._meta.label_lower


def ordered_models(registry=apps):
    """Every concrete model (of ``registry``: the code's, or a migration state's), each after the models its
    non-null foreign keys refer to (then the nullable ones, where that makes no cycle); Django's
    sort_dependencies only follows natural keys."""
    candidates = [model for model in registry.get_models() if not model._meta.proxy and model._meta.managed]
    ordered, placed = [], set()

    def needs(model, strict):
        return {field.related_model for field in model._meta.concrete_fields
                if field.is_relation and field.related_model is not model and (strict or not field.null)}

    while len(ordered) < len(candidates):
        for strict in (True, False):
            ready = [model for model in candidates if model not in placed and needs(model, strict) <= placed]
            if ready:
                break
        else:  # a cycle of non-null keys: cannot happen with PROTECT/CASCADE trees, keep the rest as they are
            ready = [model for model in candidates if model not in placed]
        ordered.append(ready[0])
        placed.add(ready[0])
    return ordered


def whole_models(registry=apps):
    return [model for model in ordered_models(registry) if label(model) not in MADE_BY_MIGRATE]


def office_path(model) -> str | None:
    """The lookup from ``model`` to its office (``"fiscal_year__office"``), or None if it has none: the
    shortest chain of non-null foreign keys (nullable ones only if there is none), never through a user
    (a user may belong to another office) except for a user's own roles."""
    office = apps.get_model("accounts", "Office")
    if model is office:
        return ""
    for strict in (True, False):
        found = _path(model, office, strict)
        if found:
            return found
    return None


def _path(model, office, strict: bool) -> str | None:
    user = apps.get_model("accounts", "User")
    seen, queue = {model}, deque([(model, "")])
    while queue:
        current, path = queue.popleft()
        for field in current._meta.concrete_fields:
            if not field.is_relation or field.related_model is current or (strict and field.null):
                continue
            target = field.related_model
            step = f"{path}__{field.name}" if path else field.name
            if target is office:
                return step
            if target is user and not (current is model and model._meta.label == "accounts.UserRole"):
                continue
            if target not in seen:
                seen.add(target)
                queue.append((target, step))
    return None


def office_querysets(office):
    """(model, queryset) of every model with rows of ``office``, in dependency order."""
    result = []
    for model in ordered_models():
        name = label(model)
        if name in MADE_BY_MIGRATE or name in NOT_OFFICE_DATA or name == REVISION:
            continue
        path = office_path(model)
        if path is None:
            continue
        queryset = model._default_manager.filter(pk=office.pk) if path == "" else \
            model._default_manager.filter(**{path: office})
        result.append((model, queryset.order_by("pk")))
    revision = apps.get_model(REVISION)
    report = apps.get_model("projects", "QuarterlyReport")
    reports = report._default_manager.filter(project__office=office).values("pk")
    result.append((revision, revision._default_manager.filter(report_id__in=reports).order_by("pk")))
    return result


def file_fields():
    """(model, field name, storage name) of every row that names a private file."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                callable_ = getattr(field, "_storage_callable", None)
                storage = callable_() if callable_ else field.storage
                for name in STORAGES:
                    if storage is storages[name]:
                        found.append((model, field.name, name))
            elif field.name == "stored_name" and isinstance(field, models.CharField):
                found.append((model, field.name, "evidence"))
    return found


def walk(storage, folder=""):
    """Every file name in a storage, sorted, through the storage's own listing."""
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(dirs):
        yield from walk(storage, f"{folder}/{name}" if folder else name)


def office_files(querysets):
    """{storage name: sorted file names} named by the office's rows."""
    wanted = {(model, field): storage for model, field, storage in file_fields()}
    names = {name: set() for name in STORAGES}
    for model, queryset in querysets:
        for (owner, field), storage in wanted.items():
            if owner is model:
                for value in queryset.exclude(**{field: ""}).values_list(field, flat=True).iterator():
                    if value:
                        names[storage].add(value)
    return {storage: sorted(found) for storage, found in names.items()}
