"""The outside evaluator's signed link: no login, only the project's summary and the rated criteria; tampered,
expired, withdrawn or after-deadline links say why in Thai and save nothing; rates outside the scale are refused."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from evaluation import links, services
from evaluation.models import Answer, EvaluationForm, Invitation

from .conftest import rates


def url_of(invitation):
    return reverse("evaluation:answer_link", args=[links.token_for(invitation)])


@pytest.mark.django_db
def test_outside_evaluator_answers_without_logging_in_and_may_change_it(client, outside_invitation, rated, eform):
    page = client.get(url_of(outside_invitation))
    assert page.status_code == 200
    text = page.content.decode()
    assert outside_invitation.evaluation.project.name in text
    assert all(c.name in text for c in rated)
    assert "ตัวชี้วัดของโครงการบรรลุค่าเป้าหมาย" not in text  # computed criteria are not asked
    response = client.post(url_of(outside_invitation), rates(rated, 4))
    assert response.status_code == 302
    outside_invitation.refresh_from_db()
    assert outside_invitation.answered_at is not None and outside_invitation.form == eform
    assert sorted(Answer.objects.filter(invitation=outside_invitation).values_list("rate", flat=True)) == [4] * 4
    eform.refresh_from_db()
    assert eform.locked  # the first answer locks the form
    # answering again before the deadline replaces the answer; nothing is added
    client.post(url_of(outside_invitation), rates(rated, 5))
    assert sorted(Answer.objects.filter(invitation=outside_invitation).values_list("rate", flat=True)) == [5] * 4


@pytest.mark.django_db
def test_tampered_link_is_refused_in_thai_and_saves_nothing(client, outside_invitation, rated):
    token = links.token_for(outside_invitation)
    bad = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for response in (client.get(reverse("evaluation:answer_link", args=[bad])),
                     client.post(reverse("evaluation:answer_link", args=[bad]), rates(rated))):
        assert response.status_code == 400
        assert "ลิงก์แบบประเมินนี้ไม่ถูกต้อง" in response.content.decode()
    # another invitation's id under a valid-looking payload is not forged either
    forged = signing.dumps({"i": outside_invitation.pk, "n": outside_invitation.nonce}, salt="other")
    assert client.get(reverse("evaluation:answer_link", args=[forged])).status_code == 400
    assert not Answer.objects.exists()


@pytest.mark.django_db
def test_expired_link_is_refused_and_saves_nothing(client, outside_invitation, rated, settings, monkeypatch):
    settings.TIDTAM_EVALUATION_LINK_DAYS = 30
    monkeypatch.setattr(signing.TimestampSigner, "timestamp",
                        lambda self: signing.b62_encode(int(time.time()) - 31 * 86400))
    old = url_of(outside_invitation)
    monkeypatch.undo()
    response = client.post(old, rates(rated))
    assert response.status_code == 403
    assert "หมดอายุ" in response.content.decode()
    assert not Answer.objects.exists()
    settings.TIDTAM_EVALUATION_LINK_DAYS = 60  # the setting decides
    assert client.get(old).status_code == 200


@pytest.mark.django_db
def test_link_reused_after_the_deadline_is_refused(client, outside_invitation, rated, eform):
    client.post(url_of(outside_invitation), rates(rated, 4))
    EvaluationForm.objects.filter(pk=eform.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    assert client.get(url_of(outside_invitation)).status_code == 403
    response = client.post(url_of(outside_invitation), rates(rated, 1))
    assert response.status_code == 403
    assert "ปิดรับ" in response.content.decode()
    assert set(Answer.objects.values_list("rate", flat=True)) == {4}


@pytest.mark.django_db
def test_a_new_link_withdraws_the_old_one(client, outside_invitation, planning, rated):
    old = url_of(outside_invitation)
    services.renew_link(outside_invitation, by=planning)
    response = client.get(old)
    assert response.status_code == 400 and "ยกเลิก" in response.content.decode()
    assert client.get(url_of(Invitation.objects.get(pk=outside_invitation.pk))).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["0", "6", "-1", "4.5", "x", ""])
def test_rate_outside_the_scale_is_refused_and_nothing_saved(client, outside_invitation, rated, eform, bad):
    data = rates(rated, 4)
    data[f"rate-{rated[-1].pk}"] = bad
    response = client.post(url_of(outside_invitation), data)
    assert response.status_code == 400
    assert "ให้คะแนนทุกประเด็นตั้งแต่ 1 ถึง 5" in response.content.decode()
    assert not Answer.objects.exists()
    eform.refresh_from_db()
    assert not eform.locked


@pytest.mark.django_db
def test_an_account_link_cannot_be_used_without_login(client, owner_invitation):
    # signed links are for outside people only; an account's invitation is answered in Tidtam
    token = signing.dumps({"i": owner_invitation.pk, "n": owner_invitation.nonce}, salt=links.SALT)
    assert client.get(reverse("evaluation:answer_link", args=[token])).status_code == 400


@pytest.mark.django_db
def test_account_evaluator_answers_in_tidtam_and_nobody_else_may(client, owner_invitation, other_owner, planning,
                                                                rated, other_office_planning):
    url = reverse("evaluation:answer", args=[owner_invitation.pk])
    for stranger in (other_owner, planning, other_office_planning):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
        assert client.post(url, rates(rated)).status_code == 404
    assert not Answer.objects.exists()
    client.force_login(owner_invitation.user)
    assert client.get(url).status_code == 200
    assert client.post(url, rates(rated, 3)).status_code == 302
    assert Answer.objects.filter(invitation=owner_invitation).count() == len(rated)
