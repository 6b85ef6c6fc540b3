"""The national bench generator (bench/national.py) at a small size: what it writes, and that an office's
dashboard renders on it."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from national import FORM_MIX, PASSWORD, generate_national  # noqa: E402

pytestmark = pytest.mark.django_db


def test_small_national_run_writes_every_kind_of_row_and_the_dashboard_renders(client):
    from accounts.models import Office
    from inspections.models import FollowUpAction
    from projects.models import Disbursement, IndicatorResult, Project, QuarterlyReport
    from reporting.models import AnnualReport

    counts, offices, years = generate_national(5, 20, prefix="T", sizes={"TBIG": 30}, verbose=False)

    assert len(offices) == 6
    assert {o.kind for o in offices} == {Office.Kind.PRIMARY, Office.Kind.SECONDARY}
    assert all(o.parent.kind == Office.Kind.REGION and o.parent.parent.code == "TOBEC" for o in offices)
    assert all(o.path.startswith(o.parent.path) for o in offices)
    assert Project.objects.filter(office__code__startswith="T").count() == counts["projects"] == 5 * 20 + 30
    assert Project.objects.filter(office__code="TBIG").count() == 30
    assert Disbursement.objects.count() == counts["disbursements"] == counts["projects"] * 4
    forms = QuarterlyReport.objects.all()
    assert forms.count() == counts["forms"]
    # every state of the mix occurs (missing = a project × quarter without a form), on time and late
    states = set(forms.values_list("state", flat=True))
    assert states == {state for state, _ in FORM_MIX} - {"missing"}
    assert counts["forms"] < counts["projects"] * 4
    assert {"on_time", "late"} <= set(forms.values_list("timeliness", flat=True))
    assert not forms.filter(state="draft").exclude(timeliness="").exists()
    assert IndicatorResult.objects.count() == counts["indicator results"] > 0
    assert {"open", "closed"} <= set(FollowUpAction.objects.values_list("state", flat=True))
    assert FollowUpAction.objects.count() == counts["follow-up actions"] == 6 * 6
    assert AnnualReport.objects.filter(state="approved").count() == counts["annual editions"]
    for fy in years.values():
        assert fy.quarters.count() == 4 and fy.disbursement_targets.count() == 12

    from accounts.models import User

    planner = User.objects.get(email="planning@t001.bench")
    assert planner.check_password(PASSWORD)
    client.force_login(planner)
    response = client.get("/reporting/", {"fy": 2569})
    assert response.status_code == 200
    assert response.context["year"].project_count == 20
    assert response.context["office"].code == "T001"
