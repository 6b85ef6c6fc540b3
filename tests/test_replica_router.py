"""The read replica (config/routers.py): with a ``replica`` alias — here a TEST mirror of default, as settings
make it from DATABASE_REPLICA_URL — the reads of a page wrapped in reads_from_replica go to the replica, and no
write ever does (not even one made inside such a page)."""

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import Office, WorkGroup
from config.routers import REPLICA, ReplicaRouter, reading_from_replica, reads_from_replica

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """A second alias that mirrors default (module-scoped: it exists before the test's database set-up)."""
    added = REPLICA not in connections.settings
    if added:
        with django_db_blocker.unblock():
            connections.settings[REPLICA] = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    yield
    if added:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def writes(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


@reads_from_replica
def page(request):
    """A read-only page that, on POST, also writes (as a page might record a visit)."""
    names = list(Office.objects.order_by("code").values_list("name", flat=True))
    office = Office.objects.get(code="A1")
    groups = list(office.groups.all())
    if request.method == "POST":
        WorkGroup.objects.create(office=office, code="NEW", name="กลุ่มใหม่")
        office.name = "ชื่อใหม่"
        office.save()
    return HttpResponse(f"{len(names)} {len(groups)}")


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_wrapped_page_reads_from_the_replica_and_writes_only_to_default():
    Office.objects.create(code="A1", name="สำนักงาน ก")
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections[REPLICA]) as replica:
        response = page(request)
    assert response.content == b"1 0"
    assert len(replica) >= 3 and not writes(replica)
    assert len(primary) == 0  # every read of the page went to the replica

    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections[REPLICA]) as replica:
        page(RequestFactory().post("/"))
    assert not writes(replica), "a write reached the replica"
    assert any(sql.startswith("INSERT") for sql in writes(primary))
    assert any(sql.startswith("UPDATE") for sql in writes(primary))
    assert Office.objects.get(code="A1").name == "ชื่อใหม่"
    assert WorkGroup.objects.filter(code="NEW").exists()


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_other_code_and_transactions_read_from_default():
    Office.objects.create(code="A1", name="สำนักงาน ก")
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        Office.objects.get(code="A1")  # not wrapped
        from django.db import transaction

        with reading_from_replica(), transaction.atomic():
            Office.objects.get(code="A1")  # read-your-writes inside a transaction on the primary
    assert len(replica) == 0
    with reading_from_replica():
        office = Office.objects.get(code="A1")
    assert office._state.db == REPLICA
    # an object read from the replica, used later outside the wrapper: its related reads go to default
    assert ReplicaRouter().db_for_read(WorkGroup, instance=office) == "default"
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        list(office.groups.all())
    assert len(replica) == 0


def test_without_a_replica_the_wrapper_changes_nothing(monkeypatch):
    monkeypatch.setattr("config.routers.replica_configured", lambda: False)
    with reading_from_replica():
        assert ReplicaRouter().db_for_read(Office) == "default"
    assert ReplicaRouter().db_for_write(Office) == "default"
    assert ReplicaRouter().allow_migrate(REPLICA, "accounts") is False
