"""Saving a plan workbook into a fiscal year: all of it, in one transaction, or nothing.

Saving reads what it compares in one query per table up front (the projects, then each relation of
all of them at once), compares in memory and writes only the differences: one bulk statement per
table and kind of change. An unchanged re-import therefore takes the same queries for 10 projects
as for 10,000; changes add statements only per batch of rows (BULK_UPDATE_BATCH rows per UPDATE,
the database's limit on query parameters per INSERT, 100 rows per DELETE in Django's collector).
Everything stays inside the caller's transaction. There are no signal receivers on these models;
bulk writes send none.
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.excel.safety import WorkbookRefused
from plans.models import FiscalYear
from projects.models import Activity, Project, ProjectIndicator

from .reader import ActivityRow, ImportIssue, ImportResult, PlanReader, read_workbook


def can_import_plan(user, fiscal_year: FiscalYear) -> bool:
    """Planning staff and administrators of the fiscal year's office (or a superuser)."""
    return bool(user and user.is_authenticated and user.manages_office
                and (user.is_superuser or user.office_id == fiscal_year.office_id))


BULK_UPDATE_BATCH = 500  # bulk_update() matches each row by CASE WHEN id = …, slow beyond a few hundred rows


def _bulk_update(model, objects: list, names: set[str]) -> None:
    """Write the fields ``names`` (names or attnames such as ``group_id``) of ``objects``."""
    if objects and names:
        fields = sorted({model._meta.get_field(name).name for name in names})
        model.objects.bulk_update(objects, fields, batch_size=BULK_UPDATE_BATCH)


def _delete(model, pks: list[int]) -> None:
    if pks:
        model.objects.filter(pk__in=pks).delete()


def _save_relation(name: str, wanted: dict[int, list[int]], existing_ids: set[int]) -> set[int]:
    """Make the many-to-many relation ``name`` of each project in ``wanted`` (project id → target ids)
    exactly its list; returns the ids of the projects whose relation changed."""
    relation = Project._meta.get_field(name)
    through = relation.remote_field.through
    source = through._meta.get_field(relation.m2m_field_name()).attname
    target = through._meta.get_field(relation.m2m_reverse_field_name()).attname
    current: dict[int, dict[int, int]] = defaultdict(dict)  # project id → {target id: through row id}
    to_load = [pk for pk in wanted if pk in existing_ids]
    if to_load:
        rows = through.objects.filter(**{f"{source}__in": to_load}).values_list("pk", source, target)
        for pk, project_id, target_id in rows:
            current[project_id][target_id] = pk
    stale, new, changed = [], [], set()
    for project_id, targets in wanted.items():
        have = current.get(project_id, {})
        keep = set(targets)
        if keep == set(have):
            continue
        changed.add(project_id)
        stale += [pk for target_id, pk in have.items() if target_id not in keep]
        new += [through(**{source: project_id, target: target_id}) for target_id in targets if target_id not in have]
    _delete(through, stale)
    if new:
        through.objects.bulk_create(new, ignore_conflicts=True)  # as the related manager's add()
    return changed


class _Rows:
    """The rows of a query as tuples of every concrete field, which are much cheaper to read and compare
    than model instances; :meth:`instance` makes one only for a row that has to be written back."""

    def __init__(self, queryset):
        self.model = queryset.model
        self.db = queryset.db
        self.names = [f.attname for f in self.model._meta.concrete_fields]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.rows = list(queryset.values_list(*self.names))

    def differences(self, row: tuple, fields: dict) -> list[str]:
        """The names of ``fields`` whose value differs from the row's."""
        index = self.index
        return [name for name, value in fields.items() if row[index[name]] != value]

    def instance(self, row: tuple):
        return self.model.from_db(self.db, self.names, row)


def _save_targets(wanted: dict[int, list], existing_ids: set[int]) -> set[int]:
    """Make each project's indicator targets exactly its ``[(indicator, value, text)]``; returns the ids
    of the projects whose targets changed."""
    current: dict[int, dict[int, tuple]] = defaultdict(dict)  # project id → {indicator id: (pk, value, text)}
    to_load = [pk for pk in wanted if pk in existing_ids]
    if to_load:
        rows = ProjectIndicator.objects.filter(project_id__in=to_load).order_by().values_list(
            "pk", "project_id", "indicator_id", "target_value", "target_text")
        for pk, project_id, indicator_id, value, text in rows:
            current[project_id][indicator_id] = (pk, value, text)
    new, dirty, stale, changed = [], [], [], set()
    for project_id, targets in wanted.items():
        have = current.get(project_id, {})
        keep = set()
        for indicator, value, text in targets:
            keep.add(indicator.pk)
            target = have.get(indicator.pk)
            if target is None:
                new.append(ProjectIndicator(project_id=project_id, indicator=indicator, target_value=value,
                                            target_text=text))
                changed.add(project_id)
            elif target[1] != value or target[2] != text:
                dirty.append(ProjectIndicator(pk=target[0], target_value=value, target_text=text))
                changed.add(project_id)
        for indicator_id, target in have.items():
            if indicator_id not in keep:
                stale.append(target[0])
                changed.add(project_id)
    _delete(ProjectIndicator, stale)
    _bulk_update(ProjectIndicator, dirty, {"target_value", "target_text"})  # both set on every object
    if new:
        ProjectIndicator.objects.bulk_create(new)
    return changed


def _save_activities(wanted: dict[int, list[ActivityRow]], existing_ids: set[int]) -> dict[int, tuple[bool, int]]:
    """Make each project's activities exactly its rows (matched by number); returns
    {project id: (changed, number deleted)}."""
    current: dict[int, dict[int, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    to_load = [pk for pk in wanted if pk in existing_ids]
    loaded = _Rows(Activity.objects.filter(project_id__in=to_load).order_by("project_id", "order", "id")
                   if to_load else Activity.objects.none())
    pk_at, project_at, order_at = (loaded.index[name] for name in ("id", "project_id", "order"))
    for row in loaded.rows:
        current[row[project_at]][row[order_at]].append(row)
    new, dirty, dirty_names, stale, outcome = [], [], set(), [], {}
    for project_id, rows in wanted.items():
        existing = current.get(project_id, {})
        changed = False
        keep = set()
        for row in rows:
            matches = existing.get(row.order)
            if not matches:
                new.append(Activity(project_id=project_id, order=row.order, **row.fields))
                changed = True
                continue
            keep.add(matches[0][pk_at])
            names = loaded.differences(matches[0], row.fields)
            if names:
                activity = loaded.instance(matches[0])
                for name in names:
                    setattr(activity, name, row.fields[name])
                dirty.append(activity)
                dirty_names.update(names)
                changed = True
        removed = [a[pk_at] for group in existing.values() for a in group if a[pk_at] not in keep]
        stale += removed
        outcome[project_id] = (changed or bool(removed), len(removed))
    _delete(Activity, stale)
    _bulk_update(Activity, dirty, dirty_names)
    if new:
        Activity.objects.bulk_create(new)
    return outcome


def _save(reader: PlanReader, result: ImportResult) -> None:
    fy = reader.fy
    by_code = defaultdict(list)
    for activity in reader.activities:
        by_code[activity.project_code].append(activity)
    codes = [p.code for p in reader.projects] + [c for c in by_code if c not in reader.file_codes]
    loaded = _Rows(Project.objects.select_for_update().filter(fiscal_year=fy, code__in=codes))
    pk_at, code_at = loaded.index["id"], loaded.index["code"]
    existing = {row[code_at]: row for row in loaded.rows}
    existing_ids = {row[pk_at] for row in loaded.rows}

    # the projects themselves
    now = timezone.now()
    new, dirty, dirty_names = [], [], set()
    touched = []  # [code, project id (None until created), created, changed]
    for row in reader.projects:
        current = existing.get(row.code)
        if current is None:
            new.append(Project(fiscal_year=fy, office_id=fy.office_id, code=row.code, **row.fields))
            touched.append([row.code, None, True, True])
            continue
        names = loaded.differences(current, row.fields)
        if names:
            project = loaded.instance(current)
            for name in names:
                setattr(project, name, row.fields[name])
            project.updated_at = now  # auto_now, which bulk_update does not apply
            dirty.append(project)
            dirty_names.update(names)
        touched.append([row.code, current[pk_at], False, bool(names)])
    touched += [[code, existing[code][pk_at], False, False] for code in codes[len(reader.projects):]]
    _bulk_update(Project, dirty, dirty_names | {"updated_at"})
    if new:
        Project.objects.bulk_create(new)
        if any(p.pk is None for p in new):  # a database that does not return the new ids
            ids = dict(Project.objects.filter(fiscal_year=fy, code__in=[p.code for p in new])
                       .values_list("code", "pk"))
            for project in new:
                project.pk = ids[project.code]
        created = {p.code: p.pk for p in new}
        for entry in touched:
            if entry[2]:
                entry[1] = created[entry[0]]

    # their owners, strategies and indicator targets: only the columns present in the file
    owners, strategies, targets = {}, {}, {}
    for row, (_code, pk, _created, _changed) in zip(reader.projects, touched[:len(reader.projects)], strict=True):
        if row.owners is not None:
            owners[pk] = row.owners
        if row.strategies is not None:
            strategies[pk] = row.strategies
        if row.indicators is not None:
            targets[pk] = row.indicators
    changed = _save_relation("owners", owners, existing_ids)
    changed |= _save_relation("strategies", strategies, existing_ids)
    changed |= _save_targets(targets, existing_ids)

    # their activities: exactly those in the file
    activities = _save_activities({pk: by_code.get(code, []) for code, pk, _c, _d in touched}, existing_ids)

    # the columns other apps add (projects.planbook.columns.register)
    if reader.extensions:
        pk_of = {code: pk for code, pk, _c, _d in touched}
        activity_ids = {(project_id, order): pk for pk, project_id, order in Activity.objects.filter(
            project_id__in=list(pk_of.values())).order_by("id").values_list("pk", "project_id", "order")}
        for key, (extension, state) in reader.extensions.items():
            projects = [(row.extra[key], pk_of[row.code]) for row in reader.projects if key in row.extra]
            rows = [(row.extra[key], activity_ids.get((pk_of[row.project_code], row.order)), pk_of[row.project_code])
                    for row in reader.activities if key in row.extra and row.project_code in pk_of]
            if projects or rows:
                changed |= extension.save(state, projects, rows)
    for code, pk, created, project_changed in touched:
        rows = by_code.get(code, [])
        activities_changed, deleted = activities[pk]
        result.activities += len(rows)
        result.activities_deleted += deleted
        if created:
            result.created += 1
        elif project_changed or pk in changed or activities_changed:
            result.updated += 1
        else:
            result.unchanged += 1


def import_plan(file_or_path, *, fiscal_year: FiscalYear, user=None, dry_run: bool = False) -> ImportResult:
    """Read a plan workbook into ``fiscal_year``: every row is checked, and either all of it is saved
    in one transaction or nothing is (``result.errors`` lists every problem).

    ``user``, when given, must be planning staff or an administrator of the fiscal year's office.
    ``dry_run`` checks and counts without keeping any change.
    """
    if user is not None and not can_import_plan(user, fiscal_year):
        raise PermissionDenied(_("Only planning staff and administrators of the office may import the plan."))
    result = ImportResult(dry_run=dry_run)
    try:
        reader = read_workbook(file_or_path, fiscal_year)
    except WorkbookRefused as refused:
        result.errors.append(ImportIssue("", None, "", "", refused.code, refused.message))
        return result
    if reader.errors:
        result.errors = reader.errors
        return result
    try:
        with transaction.atomic():
            _save(reader, result)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        # Someone saved a project with the same code between our check and our write.
        return ImportResult(dry_run=dry_run, errors=[ImportIssue("", None, "", "", "conflict", _(
            "The plan was changed by someone else while the file was being imported; nothing was saved. "
            "Import the file again."))])
    return result
