"""Keying goes through the review engine: each mark, correction and taking back is a move with its event (who,
when, which reference, which missing fields were confirmed); bulk marking is one transaction with the stale-page
check; snapshots keep raw values, so only a real change (0.01 baht) is "needs update"."""

import importlib
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from emenscr import services
from emenscr.fields import Book, State
from emenscr.models import Entry, EntryEvent, ProjectData
from emenscr.stages import ensure_stages, stages_for
from projects.models import Project
from reviews.machine import ConflictError, NotAllowed, WorkflowError

from ..conftest import make_project
from .conftest import complete


def status(project, code, round_=1):
    stage = next(s for s in stages_for(project.fiscal_year) if s.code == code)
    book = Book(project.fiscal_year, Project.objects.filter(pk=project.pk))
    return book.status(book.projects[0], stage, round_)


def mark(client, projects, *, stage="M1", reference="EM-1", versions=None, **extra):
    versions = versions or {p.pk: 0 for p in projects}
    return client.post(reverse("emenscr:mark"), {
        "fy": 2569, "stage": stage, "round": 1, "project": [p.pk for p in projects], "reference": reference,
        **{f"version-{pk}": v for pk, v in versions.items()}, **extra})


@pytest.mark.django_db
def test_marking_keyed_is_a_move_with_its_event(client, project, planning):
    client.force_login(planning)
    assert mark(client, [project], reference="EM-0001", note="หน้าจอ 1").status_code == 302
    entry = Entry.objects.get()
    assert (entry.state, entry.version, entry.reference, entry.keyed_by) == ("keyed", 2, "EM-0001", planning)
    (event,) = entry.events.all()
    assert (event.actor, event.action, event.from_state, event.to_state) == (planning, "keyed", "open", "keyed")
    assert event.changes == {"reference": ["", "EM-0001"], "note": ["", "หน้าจอ 1"]}
    page = client.get(reverse("emenscr:entry", args=[entry.pk])).content.decode()
    assert "EM-0001" in page and planning.full_name in page and "ทำเครื่องหมายว่านำเข้าแล้ว" in page


@pytest.mark.django_db
def test_confirming_missing_fields_is_in_the_history(client, project, planning):
    ProjectData.objects.filter(project=project).update(province="")
    client.force_login(planning)
    assert mark(client, [project], reference="EM-2").status_code == 409
    assert mark(client, [project], reference="EM-2", confirm_missing="on").status_code == 302
    event = EntryEvent.objects.get()
    assert event.changes["missing_confirmed"] == ["", "พื้นที่ดำเนินการ (จังหวัด / อำเภอ)"]
    page = client.get(reverse("emenscr:entry", args=[event.entry_id])).content.decode()
    assert "ข้อมูลที่ยืนยันว่ายังขาด" in page and "พื้นที่ดำเนินการ" in page


@pytest.mark.django_db
def test_bulk_marking_is_one_transaction_with_the_stale_page_check(client, project, planning, fy, promo_group,
                                                                   owner, starter):
    second = complete(make_project(fy, promo_group, "P02", owners=[owner]), starter)
    client.force_login(planning)
    services.mark_keyed(user=planning, fiscal_year=fy, stage_code="M1", round_=1, projects=[second],
                        reference="EM-OTHER")  # someone keyed P02 after the page was shown
    response = mark(client, [project, second], reference="EM-BOTH")
    assert response.status_code == 409
    assert not Entry.objects.filter(project=project).exists()  # nothing of the selection was written
    assert Entry.objects.get(project=second).reference == "EM-OTHER"
    assert mark(client, [project, second], reference="EM-BOTH",
                versions={project.pk: 0, second.pk: Entry.objects.get(project=second).version}).status_code == 302
    assert set(Entry.objects.values_list("reference", flat=True)) == {"EM-BOTH"}
    assert EntryEvent.objects.filter(entry__project=second).count() == 2  # keyed, then keyed again


@pytest.mark.django_db
def test_a_missing_version_is_refused(client, project, planning):
    client.force_login(planning)
    response = client.post(reverse("emenscr:mark"), {"fy": 2569, "stage": "M1", "round": 1, "project": [project.pk],
                                                     "reference": "EM-1"})
    assert response.status_code == 400 and not Entry.objects.exists()


@pytest.mark.django_db
def test_correcting_and_taking_back_need_a_reason_and_stay_in_the_history(client, project, planning, owner):
    client.force_login(planning)
    mark(client, [project], reference="EM-1")
    entry = Entry.objects.get()
    url = reverse("emenscr:entry_move", args=[entry.pk])
    response = client.post(url, {"move": "correct", "version": entry.version, "reference": "EM-11", "reason": ""})
    assert response.status_code == 400 and Entry.objects.get().reference == "EM-1"
    response = client.post(url, {"move": "correct", "version": entry.version, "reference": "EM-11",
                                 "reason": "พิมพ์เลขผิด"})
    assert response.status_code == 302 and Entry.objects.get().reference == "EM-11"
    response = client.post(url, {"move": "unkey", "version": entry.version, "reason": "x"})
    assert response.status_code == 409  # the page showed the version before the correction
    client.force_login(owner)
    assert client.post(url, {"move": "unkey", "version": entry.version + 1, "reason": "x"}).status_code == 403
    client.force_login(planning)
    response = client.post(url, {"move": "unkey", "version": entry.version + 1, "reason": "ทำเครื่องหมายผิดโครงการ"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.state, entry.keyed_by, entry.snapshot) == ("open", None, {})
    assert status(project, "M1").state == State.READY
    assert [(e.action, e.reason) for e in entry.events.all()] == [
        ("keyed", ""), ("corrected", "พิมพ์เลขผิด"), ("unkeyed", "ทำเครื่องหมายผิดโครงการ")]
    assert entry.events.all()[1].changes == {"reference": ["EM-1", "EM-11"]}
    page = client.get(reverse("emenscr:entry", args=[entry.pk])).content.decode()
    assert "พิมพ์เลขผิด" in page and "ทำเครื่องหมายผิดโครงการ" in page
    assert mark(client, [project], reference="EM-12", versions={project.pk: entry.version}).status_code == 302
    assert Entry.objects.get().state == "keyed"


@pytest.mark.django_db
def test_moves_by_the_service_check_rights_and_state(project, planning, owner, fy):
    (entry,) = services.mark_keyed(user=planning, fiscal_year=fy, stage_code="M1", round_=1, projects=[project],
                                   reference="EM-1")
    with pytest.raises(NotAllowed):
        services.move_entry(entry.pk, "unkey", by=owner, expected_version=entry.version, reason="x")
    with pytest.raises(ConflictError):
        services.move_entry(entry.pk, "unkey", by=planning, expected_version=entry.version - 1, reason="x")
    services.move_entry(entry.pk, "unkey", by=planning, expected_version=entry.version, reason="x")
    with pytest.raises(WorkflowError):
        services.move_entry(entry.pk, "correct", by=planning, expected_version=entry.version + 1, reason="x",
                            reference="EM-2")  # not keyed: nothing to correct


@pytest.mark.django_db
def test_entry_pages_are_scoped(client, project, planning, other_office_planning, finance):
    client.force_login(planning)
    mark(client, [project])
    entry = Entry.objects.get()
    client.force_login(other_office_planning)
    assert client.get(reverse("emenscr:entry", args=[entry.pk])).status_code == 404
    assert client.post(reverse("emenscr:entry_move", args=[entry.pk]),
                       {"move": "unkey", "version": entry.version, "reason": "x"}).status_code == 404
    client.force_login(finance)
    assert client.get(reverse("emenscr:entry", args=[entry.pk])).status_code == 403
    assert Entry.objects.get().state == "keyed"


@pytest.mark.django_db
def test_the_board_reads_a_fixed_number_of_queries(client, planning, fy, promo_group, owner, starter,
                                                   django_assert_max_num_queries):
    projects = [complete(make_project(fy, promo_group, f"P{n:02d}", owners=[owner]), starter) for n in range(12)]
    services.mark_keyed(user=planning, fiscal_year=fy, stage_code="M1", round_=1, projects=projects[:8],
                        reference="EM-1")
    for project in projects[:4]:  # four changed since: the board names what changed, with the owners' names
        project.name += " (ปรับ)"
        project.save()
        project.owners.add(planning)
    client.force_login(planning)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("emenscr:board"), {"fy": 2569, "stage": "M1", "round": 1}).content.decode()
    assert page.count("ต้องปรับปรุง") >= 4 and planning.full_name in page


# --- raw snapshots ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_snapshot_keeps_raw_values(project, planning, fy, owner):
    for code in ("M1", "M2", "M3"):
        services.mark_keyed(user=planning, fiscal_year=fy, stage_code=code, round_=1, projects=[project],
                            reference="EM-1")
    snapshots = {e.stage.code: e.snapshot for e in Entry.objects.select_related("stage")}
    assert snapshots["M3"]["budget"] == "100000.50" and snapshots["M3"]["budget_category"] == "operating"
    assert snapshots["M2"]["sub_plan"] == "120101" and snapshots["M2"]["sdg"] == "SDG4"
    assert snapshots["M1"]["owners"] == [owner.pk] and snapshots["M1"]["period"] == ["2025-11-01", "2026-09-30"]
    assert snapshots["M1"]["kind"] == "project" and snapshots["M1"]["group"] == project.group_id


@pytest.mark.django_db
def test_a_budget_changed_by_one_satang_needs_update_and_is_shown_in_baht(client, project, planning, fy):
    services.mark_keyed(user=planning, fiscal_year=fy, stage_code="M3", round_=1, projects=[project],
                        reference="EM-3")
    Project.objects.filter(pk=project.pk).update(budget_obec=Decimal("100000.51"))
    after = status(project, "M3")
    assert after.state == State.NEEDS_UPDATE
    assert [(f.key, old, new) for f, old, new in after.changes] == [("budget", "100,000.50", "100,000.51")]
    client.force_login(planning)
    page = client.get(reverse("emenscr:board"), {"fy": 2569, "stage": "M3"}).content.decode()
    assert "100,000.50 → 100,000.51" in page


@pytest.mark.django_db
def test_saving_equal_values_again_is_not_a_change(client, project, planning, owner, fy):
    for code in ("M1", "M2", "M3", "M4"):
        services.mark_keyed(user=planning, fiscal_year=fy, stage_code=code, round_=1, projects=[project],
                            reference="EM-1")
    Project.objects.filter(pk=project.pk).update(budget_obec=Decimal("100000.5"))  # the same amount written anew
    client.force_login(owner)
    page = client.get(reverse("emenscr:project_edit", args=[project.pk]))
    form, months = page.context["form"], page.context["months"]
    data = {name: (value.pk if hasattr(value, "pk") else (value or "")) for name, value in form.initial.items()
            if name in form.fields}
    data["budget_category"] = "operating"
    data.update({name: months[name].value() or "" for name in months.fields})
    assert client.post(reverse("emenscr:project_edit", args=[project.pk]), data).status_code == 302
    assert [status(project, code).state for code in ("M1", "M2", "M3", "M4")] == [State.KEYED] * 4


@pytest.mark.django_db
def test_the_language_of_the_page_changes_nothing(client, project, planning, fy):
    client.force_login(planning)
    with translation.override("en"):
        response = client.post(reverse("emenscr:mark") + "?lang=en", {
            "fy": 2569, "stage": "M1", "round": 1, "project": [project.pk], f"version-{project.pk}": 0,
            "reference": "EM-EN"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 302
        assert status(project, "M1").state == State.KEYED
    assert status(project, "M1").state == State.KEYED
    with translation.override("en"):
        assert status(project, "M1").texts["kind"] == "โครงการ"  # keyed text is Thai whatever the page


@pytest.mark.django_db
def test_a_snapshot_kept_as_text_compares_by_its_text(project, planning, fy):
    """Snapshots of before raw values (marked ``{"text": …}`` by the migration) count as unchanged while the text
    is the same, and show their old text when it is not."""
    (entry,) = services.mark_keyed(user=planning, fiscal_year=fy, stage_code="M3", round_=1, projects=[project],
                                   reference="EM-3")
    entry.snapshot = {"budget": "100,000.50", "budget_category": "งบดำเนินงาน/งบประจำ", "budget_source": "งบประมาณ สพฐ."}
    entry.save()
    importlib.import_module("emenscr.migrations.0003_raw_snapshots").text_values_marked(apps, None)
    entry.refresh_from_db()
    assert entry.snapshot["budget"] == {"text": "100,000.50"}
    assert status(project, "M3").state == State.KEYED
    Entry.objects.filter(pk=entry.pk).update(snapshot={**entry.snapshot, "budget": {"text": "1,000.00"}})
    assert [(f.key, old, new) for f, old, new in status(project, "M3").changes] == [
        ("budget", "1,000.00", "100,000.50")]


@pytest.mark.django_db
def test_entries_made_before_the_engine_get_one_event_each(project, planning, fy):
    stage = next(s for s in ensure_stages(fy) if s.code == "M1")
    when = datetime(2025, 12, 1, 10, tzinfo=ZoneInfo("Asia/Bangkok"))
    entry = Entry.objects.create(project=project, stage=stage, round=1, keyed_by=planning, keyed_at=when,
                                 reference="OLD-1", missing_confirmed=["พื้นที่ดำเนินการ"])
    importlib.import_module("emenscr.migrations.0002_entry_review").keyed_with_one_event(apps, None)
    entry.refresh_from_db()
    (event,) = entry.events.all()
    assert entry.state == "keyed" and (event.actor, event.at, event.action) == (planning, when, "keyed")
    assert event.changes == {"reference": ["", "OLD-1"], "missing_confirmed": ["", "พื้นที่ดำเนินการ"]}


@pytest.mark.django_db
def test_keying_dated_in_the_past_dates_its_event_too(project, planning, fy):
    when = datetime(2025, 12, 1, 14, tzinfo=ZoneInfo("Asia/Bangkok"))
    (entry,) = services.mark_keyed(user=planning, fiscal_year=fy, stage_code="M1", round_=1, projects=[project],
                                   reference="EM-1", now=when)
    entry.refresh_from_db()
    assert entry.keyed_at == when == entry.events.get().at
