"""Publication (issue 18 §2): a publishing office's public page, its edition PDFs and open data show only what the
director approved — never drafts, unapproved forms, another office, names below group head or evidence."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Role
from plans import services
from projects import workflow
from projects.models import ReportEvidence
from publication.content import CSV_HEADERS
from publication.models import Setting
from reporting.models import AnnualReport, Audience
from tests.conftest import make_project, submit_q1
from tests.factories import UserFactory, WorkGroupFactory

State = AnnualReport.State
SECRET_DRAFT = "ข้อความร่างที่ยังไม่อนุมัติ"
SCHEMA = Path(__file__).resolve().parents[2] / "static" / "publication" / "data-schema-v1.json"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def publishing(office):
    return Setting.objects.create(office=office, publishes=True)


def _approve(report, planning, director):
    report = workflow.verify(report.pk, by=planning, expected_version=report.version)
    return workflow.approve(report.pk, by=director, expected_version=report.version)


def _edition(fy, state, audience=Audience.PEC, snapshot=None):
    edition = AnnualReport.objects.create(office=fy.office, fiscal_year=fy, audience=audience, state=state,
                                          snapshot=snapshot or {}, pages=3)
    edition.file.save(f"edition-{state}.pdf", ContentFile(b"%PDF-1.4 edition " + state.encode()))
    return edition


@pytest.fixture
def year_data(fy, owner, other_owner, planning, director, own_project, other_group_project, other_office):
    """An approved Q1 form (spent 12,345.67) with evidence, a draft form of another project holding a secret text
    and spending, an approved edition, a draft edition, and another office with its own project and approvals."""
    report = submit_q1(own_project, owner)
    report = _approve(report, planning, director)
    type(report).objects.filter(pk=report.pk).update(spent_this_quarter=Decimal("12345.67"))
    ReportEvidence.objects.create(report=report, kind="link", title="หลักฐานลับ-ไฟล์ภาพถ่าย.jpg",
                                  url="https://example.invalid/evidence-secret")
    draft = workflow.get_or_create_report(other_group_project, fy.quarters.get(number=1))
    workflow.save_form(draft.pk, by=other_owner, expected_version=draft.version,
                       fields={"outputs": SECRET_DRAFT, "spent_this_quarter": Decimal("987654.32")},
                       activities={}, results={})
    approved = _edition(fy, State.APPROVED)
    unapproved = _edition(fy, State.DRAFT, audience=Audience.OTHERS)
    other_fy = services.get_or_create_fiscal_year(other_office, 2569)[0]
    other_group = WorkGroupFactory(office=other_office, code="X", name="กลุ่มของสำนักงานอื่น")
    make_project(other_fy, other_group, "TAK-SECRET")
    Setting.objects.create(office=other_office, publishes=False)
    other_edition = _edition(other_fy, State.APPROVED)
    return {"approved": approved, "draft": unapproved, "other_edition": other_edition, "report": report}


def _urls(office, year=2569):
    return [reverse("publication:office", args=[office.code]), reverse("publication:csv", args=[office.code, year]),
            reverse("publication:json", args=[office.code, year])]


@pytest.mark.django_db
def test_an_office_that_does_not_publish_or_does_not_exist_answers_404(client, office, fy, other_office):
    for code in (office.code, other_office.code, "NO-SUCH-OFFICE"):
        assert client.get(reverse("publication:office", args=[code])).status_code == 404
        assert client.get(reverse("publication:csv", args=[code, 2569])).status_code == 404
    Setting.objects.create(office=office, publishes=False)
    assert client.get(reverse("publication:office", args=[office.code])).status_code == 404
    Setting.objects.filter(office=office).update(publishes=True)
    assert client.get(reverse("publication:office", args=[office.code])).status_code == 200
    office.is_active = False
    office.save()
    response = client.get(reverse("publication:office", args=[office.code]))
    assert response.status_code == 404 and "ไม่พบหน้าที่ต้องการ" in response.content.decode()


@pytest.mark.django_db
def test_only_approved_data_of_the_office_is_published(client, office, publishing, year_data, owner, other_owner,
                                                       planning, finance, group_head):
    page, csv_text, json_text = (client.get(url) for url in _urls(office))
    for response in (page, csv_text, json_text):
        assert response.status_code == 200
    html = page.content.decode()
    bodies = {"html": html, "csv": csv_text.content.decode("utf-8-sig"), "json": json_text.content.decode()}
    for kind, body in bodies.items():
        assert SECRET_DRAFT not in body, kind
        assert "987654" not in body and "987,654" not in body, kind  # the draft's spending
        assert "TAK-SECRET" not in body and "โครงการลับของสำนักงานอื่น" not in body, kind
        assert "หลักฐานลับ" not in body and "evidence-secret" not in body, kind
        for person in (owner, other_owner, planning, finance):
            assert person.full_name not in body and person.email not in body, kind
    assert "12345.67" in bodies["csv"] and "12345.67" in bodies["json"]  # the approved form's spending
    approved, draft, other = year_data["approved"], year_data["draft"], year_data["other_edition"]
    assert reverse("publication:edition", args=[office.code, approved.pk]) in html
    assert f"/editions/{draft.pk}.pdf" not in html and f"/editions/{other.pk}.pdf" not in html
    assert client.get(reverse("publication:edition", args=[office.code, approved.pk])).status_code == 200
    for pk in (draft.pk, other.pk):
        assert client.get(reverse("publication:edition", args=[office.code, pk])).status_code == 404
    assert client.get(reverse("publication:edition", args=[other.office.code, other.pk])).status_code == 404


@pytest.mark.django_db
def test_an_edition_naming_staff_below_group_head_is_listed_without_its_pdf(client, office, fy, publishing, owner,
                                                                            group_head, director):
    def naming(name):
        return {"inspections": [{"issues": [{"recommendations": [{"actions": [{"owner": name}]}]}]}]}

    below = _edition(fy, State.APPROVED, snapshot=naming(owner.full_name))
    head = _edition(fy, State.APPROVED, audience=Audience.KTPN, snapshot=naming(group_head.full_name))
    html = client.get(reverse("publication:office", args=[office.code])).content.decode()
    assert "ระบุชื่อบุคลากร จึงไม่เผยแพร่" in html
    assert f"/editions/{below.pk}.pdf" not in html and f"/editions/{head.pk}.pdf" in html
    assert client.get(reverse("publication:edition", args=[office.code, below.pk])).status_code == 404
    assert client.get(reverse("publication:edition", args=[office.code, head.pk])).status_code == 200


@pytest.mark.django_db
def test_csv_is_utf8_with_bom_thai_headers_and_a_row_per_project_and_quarter(client, office, publishing, year_data):
    response = client.get(reverse("publication:csv", args=[office.code, 2569]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == CSV_HEADERS and "รหัสโครงการ" in rows[0]
    projects = {row[3] for row in rows[1:]}
    assert projects == {"P-OWN", "P-OTHER"} and len(rows) - 1 == 2 * 4
    own_q1 = next(row for row in rows[1:] if row[3] == "P-OWN" and row[9] == "1")
    assert own_q1[11] == "ใช่" and own_q1[14] == "12345.67"
    other_q1 = next(row for row in rows[1:] if row[3] == "P-OTHER" and row[9] == "1")
    assert other_q1[11] == "ไม่" and other_q1[14] == ""


def _check(schema: dict, value, root: dict, where="$"):
    """Enough of JSON Schema for our file: type, const, enum, required, properties, items, $ref, anyOf, pattern."""
    import re

    if "$ref" in schema:
        return _check(root["$defs"][schema["$ref"].split("/")[-1]], value, root, where)
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                return _check(option, value, root, where)
            except AssertionError as error:
                errors.append(error)
        raise AssertionError(f"{where}: {errors}")
    types = {"object": dict, "array": list, "string": str, "integer": int, "boolean": bool, "null": type(None)}
    if "type" in schema:
        assert isinstance(value, types[schema["type"]]), f"{where}: {value!r} is not {schema['type']}"
    if "const" in schema:
        assert value == schema["const"], where
    if "enum" in schema:
        assert value in schema["enum"], where
    if "pattern" in schema:
        assert re.match(schema["pattern"], value), f"{where}: {value!r}"
    for key in schema.get("required", []):
        assert key in value, f"{where}: {key} missing"
    for key, sub in schema.get("properties", {}).items():
        if isinstance(value, dict) and key in value:
            _check(sub, value[key], root, f"{where}.{key}")
    if "items" in schema:
        for index, item in enumerate(value):
            _check(schema["items"], item, root, f"{where}[{index}]")


@pytest.mark.django_db
def test_json_follows_its_published_schema(client, office, publishing, year_data):
    response = client.get(reverse("publication:json", args=[office.code, 2569]))
    payload = json.loads(response.content)
    schema = json.loads(SCHEMA.read_text())
    _check(schema, payload, schema)
    assert payload["version"] == 1 and payload["basis"] == "approved" and payload["office"]["code"] == office.code
    assert response["Cache-Control"].startswith("public, max-age=")


@pytest.mark.django_db
def test_public_answers_are_cacheable_and_set_no_cookie(client, office, publishing, year_data):
    for url in _urls(office):
        response = client.get(url)
        assert response["Cache-Control"] == "public, max-age=60"
        assert not response.cookies


@pytest.mark.django_db
def test_too_many_requests_from_one_client_get_429_in_thai(client, office, publishing, fy, settings):
    settings.TIDTAM_PUBLIC_REQUESTS_PER_MINUTE = 3
    url = reverse("publication:office", args=[office.code])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url)
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "กรุณารอ" in response.content.decode()
    assert client.get(url, REMOTE_ADDR="10.9.9.9").status_code == 200  # another client is not held back


@pytest.mark.django_db
def test_an_approval_is_shown_at_once_whatever_the_cache(client, office, publishing, fy, planning, director,
                                                         owner, own_project, group_project, group_head):
    group_project.owners.set([group_head])
    first = submit_q1(own_project, owner)
    _approve(first, planning, director)
    url = reverse("publication:csv", args=[office.code, 2569])

    def approved_rows():
        rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
        return sorted(row[3] for row in rows[1:] if row[9] == "1" and row[11] == "ใช่")

    assert approved_rows() == ["P-OWN"]
    second = submit_q1(group_project, group_head)
    assert approved_rows() == ["P-OWN"]  # submitted is not approved
    _approve(second, planning, director)
    assert approved_rows() == ["P-GROUP", "P-OWN"]
    page = reverse("publication:office", args=[office.code])
    assert "/editions/" not in client.get(page).content.decode()
    edition = _edition(fy, State.DRAFT)
    assert f"/editions/{edition.pk}.pdf" not in client.get(page).content.decode()
    AnnualReport.objects.filter(pk=edition.pk).update(state=State.APPROVED, decided_by=director)  # as annual_decide
    assert f"/editions/{edition.pk}.pdf" in client.get(page).content.decode()


@pytest.mark.django_db
def test_queries_are_bounded_whatever_the_number_of_projects(client, office, publishing, fy, promo_group, owner,
                                                             django_assert_max_num_queries):
    for number in range(12):
        make_project(fy, promo_group, f"P-{number:02d}", owners=[owner])
    from projects.models import Project, QuarterlyReport
    submit_q1(Project.objects.filter(fiscal_year=fy).first(), owner)
    QuarterlyReport.objects.update(state="approved")
    url = reverse("publication:office", args=[office.code])
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(2):  # cached: the office and its version
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("publication:csv", args=[office.code, 2569])).status_code == 200


# ------------------------------------------------------------------------------------------ the setting

@pytest.mark.django_db
@pytest.mark.parametrize("role, get_status, post_status", [
    ("planning", 200, 302), ("director", 200, 302), ("administrator", 403, 403), ("owner", 403, 403),
    ("group_head", 403, 403), ("finance", 403, 403), ("committee", 403, 403),
    ("other_office_planning", 200, 302),  # sets its own office, never this one
    ("anonymous", 302, 302)])
def test_publication_setting_permission_matrix(client, office, role, get_status, post_status, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = reverse("publication:settings")
    assert client.get(url).status_code == get_status
    assert client.post(url, {"publishes": "on"}).status_code == post_status
    published = Setting.objects.filter(office=office, publishes=True).exists()
    assert published == (role in ("planning", "director"))


@pytest.mark.django_db
def test_a_refusal_says_in_thai_who_sets_publication(client, office, owner):
    client.force_login(owner)
    response = client.get(reverse("publication:settings"))
    page = response.content.decode()
    assert response.status_code == 403 and "คุณไม่มีสิทธิ์เปิดหน้านี้" in page
    assert "เจ้าหน้าที่กลุ่มนโยบายและแผนและผู้อำนวยการเป็นผู้เลือกว่าสำนักงานจะเผยแพร่หรือไม่" in page
    assert "Forbidden" not in page and 'href="/"' in page


@pytest.mark.django_db
def test_central_viewer_reads_but_never_sets(client, office):
    central = UserFactory(office=office, roles=[Role.CENTRAL])
    client.force_login(central)
    assert client.post(reverse("publication:settings"), {"publishes": "on"}).status_code == 403
    assert not Setting.objects.filter(publishes=True).exists()


@pytest.mark.django_db
def test_the_setting_is_off_by_default_and_turns_on_and_off(client, office, fy, director):
    client.force_login(director)
    url = reverse("publication:settings")
    page = client.get(url).content.decode()
    assert 'id="not-publishing"' in page and "สิ่งที่เผยแพร่" in page and "สิ่งที่ไม่เผยแพร่" in page
    assert not Setting.objects.filter(office=office).exists()  # GET never writes
    assert client.post(url, {"publishes": "maybe"}).status_code == 400
    client.post(url, {"publishes": "on"})
    page = client.get(url).content.decode()
    assert 'id="public-link"' in page and reverse("publication:office", args=[office.code]) in page
    assert client.get(reverse("publication:office", args=[office.code])).status_code == 200
    client.post(url, {"publishes": "off"})
    assert client.get(reverse("publication:office", args=[office.code])).status_code == 404
    assert Setting.objects.get(office=office).updated_by == director


@pytest.mark.django_db
def test_the_office_pages_link_to_the_public_page_only_while_it_publishes(client, office, fy, planning):
    client.force_login(planning)
    public = reverse("publication:office", args=[office.code])
    assert public not in client.get(reverse("reporting:annual_list")).content.decode()
    Setting.objects.create(office=office, publishes=True)
    assert public in client.get(reverse("reporting:annual_list")).content.decode()
    assert public in client.get(reverse("publication:settings")).content.decode()


@pytest.mark.django_db
def test_quarters_not_begun_show_no_disbursement_figure(client, office, publishing, year_data, monkeypatch):
    import re
    from datetime import date

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 1, 20))  # FY 2569 Q2
    html = client.get(reverse("publication:office", args=[office.code]), {"fy": 2569}).content.decode()
    table = re.search(r'<table[^>]*id="budget".*?</table>', html, re.S).group(0)
    rows = re.findall(r'<th scope="row"[^>]*>([^<]*)</th><td class="num">([^<]*)</td>', table)
    assert [cell for _label, cell in rows[2:]] == ["-", "-"], rows  # Q3 and Q4: nothing paid, nothing to show yet
    assert rows[0][1] != "-"


@pytest.mark.django_db
def test_a_quarter_not_yet_due_shows_no_share_of_forms_sent_even_when_some_came_early(client, office, publishing,
                                                                                    year_data, monkeypatch):
    """Q1 of 2569 is due on 9 Jan 2026; one of its two forms was sent on 5 Jan. On 6 Jan nothing is due yet: the
    page shows "-", not 100 %; on 20 Jan one form of the two due was sent: 50 %. The open data carries counts only
    (the schema has no share), the early form among them as sent on time."""
    import re
    from datetime import date

    def last_column(today):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: today)
        cache.clear()
        html = client.get(reverse("publication:office", args=[office.code]), {"fy": 2569}).content.decode()
        table = re.search(r'<table[^>]*id="completeness".*?</table>', html, re.S).group(0)
        return [re.findall(r'<td class="num">([^<]*)</td>', row)[-1] for row in re.findall(r"<tr>.*?</tr>", table, re.S)
                if '<th scope="row"' in row]

    assert last_column(date(2026, 1, 6)) == ["-", "-", "-", "-"]
    payload = json.loads(client.get(reverse("publication:json", args=[office.code, 2569])).content)
    q1 = payload["completeness"][0]
    assert (q1["quarter"], q1["projects"], q1["on_time"], q1["missing"], q1["not_due"]) == (1, 2, 1, 0, 1)
    assert not [key for key in q1 if "percent" in key or "share" in key]
    assert last_column(date(2026, 1, 20)) == ["50%", "-", "-", "-"]
