"""Administrators manage their own office's users, groups and roles in the admin site."""

import pytest

from accounts.models import Role, User

from ..factories import UserFactory, WorkGroupFactory


@pytest.mark.django_db
def test_office_admin_sees_only_their_offices_users(client, administrator, owner, other_office_planning):
    client.force_login(administrator)
    page = client.get("/admin/accounts/user/").content.decode()
    assert owner.email in page
    assert other_office_planning.email not in page
    assert client.get(f"/admin/accounts/user/{other_office_planning.pk}/change/").status_code in (302, 404)


@pytest.mark.django_db
def test_office_admin_creates_a_user_and_gives_roles_and_groups(client, administrator, promo_group):
    client.force_login(administrator)
    response = client.post("/admin/accounts/user/add/", {
        "email": "new@test.go.th", "full_name": "ครูใหม่ ทดสอบ", "office": administrator.office_id,
        "password1": "a-long-new-password-2569", "password2": "a-long-new-password-2569",
        "usable_password": "true",
        "role_assignments-TOTAL_FORMS": "1", "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-0-role": Role.OWNER,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(email="new@test.go.th")
    assert user.office == administrator.office
    assert user.has_role(Role.OWNER)


@pytest.mark.django_db
def test_office_admin_cannot_pick_another_office(client, administrator, other_office):
    client.force_login(administrator)
    page = client.get("/admin/accounts/user/add/").content.decode()
    assert other_office.name not in page


@pytest.mark.django_db
def test_groups_of_other_offices_are_hidden(client, administrator, other_office):
    foreign = WorkGroupFactory(office=other_office, name="กลุ่มของสำนักงานอื่น")
    client.force_login(administrator)
    assert foreign.name not in client.get("/admin/accounts/workgroup/").content.decode()


@pytest.mark.django_db
def test_non_admin_staff_cannot_use_the_admin(client, office):
    staff_owner = UserFactory(office=office, roles=[Role.OWNER], is_staff=True)
    client.force_login(staff_owner)
    assert client.get("/admin/accounts/user/").status_code == 403


# --- nobody climbs (issue: an office administrator reset a superuser's password) ---------------------------


@pytest.fixture
def superuser_in_office(office):
    return User.objects.create_superuser("root@test.go.th", "a-long-root-password", full_name="ผู้ดูแลสูงสุด",
                                         office=office)


@pytest.fixture
def central_in_office(office):
    return UserFactory(email="central@test.go.th", office=office, roles=[Role.CENTRAL])


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["superuser_in_office", "central_in_office"])
def test_office_admin_cannot_see_edit_or_reset_the_password_of_a_higher_user(client, administrator, target, request):
    user = request.getfixturevalue(target)
    client.force_login(administrator)
    assert user.email not in client.get("/admin/accounts/user/").content.decode()
    for page in ("change", "password", "delete"):
        response = client.get(f"/admin/accounts/user/{user.pk}/{page}/")
        assert response.status_code in (302, 404), page
        if response.status_code == 302:
            assert f"/{user.pk}/" not in response["Location"]
    response = client.post(f"/admin/accounts/user/{user.pk}/password/",
                           {"password1": "taken-over-2569!", "password2": "taken-over-2569!",
                            "usable_password": "true"})
    assert response.status_code in (302, 404)
    user.refresh_from_db()
    assert not user.check_password("taken-over-2569!")


@pytest.mark.django_db
def test_office_admin_cannot_grant_the_central_role(client, administrator, owner):
    client.force_login(administrator)
    page = client.get(f"/admin/accounts/user/{owner.pk}/change/").content.decode()
    assert f'value="{Role.CENTRAL}"' not in page
    data = {"email": owner.email, "full_name": owner.full_name, "position": "", "language": "th",
            "office": owner.office_id, "is_active": "on",
            "role_assignments-TOTAL_FORMS": "1", "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-0-role": Role.CENTRAL, "role_assignments-0-user": owner.pk}
    response = client.post(f"/admin/accounts/user/{owner.pk}/change/", data)
    assert response.status_code == 200  # the form again, with the error
    owner.refresh_from_db()
    assert not owner.has_role(Role.CENTRAL)


@pytest.mark.django_db
def test_a_superuser_still_manages_everyone(client, superuser_in_office, central_in_office):
    client.force_login(superuser_in_office)
    assert client.get(f"/admin/accounts/user/{central_in_office.pk}/password/").status_code == 200
    assert f'value="{Role.CENTRAL}"' in client.get(f"/admin/accounts/user/{central_in_office.pk}/change/").content.decode()
