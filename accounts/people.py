"""Who watches an office's work: the people told when something is late."""

from collections import defaultdict

from .models import Role, User


def watchers(office) -> tuple[dict[int, list[User]], list[User]]:
    """The office's group heads by group id, and its planning staff (active, with an address)."""
    return watchers_of([office])[office.pk]


def watchers_of(offices) -> dict[int, tuple[dict[int, list[User]], list[User]]]:
    """:func:`watchers` of each of ``offices`` (objects or ids) by office id, in three queries whatever their number."""
    ids = {office.pk if hasattr(office, "pk") else office for office in offices}
    found = {office_id: (defaultdict(list), []) for office_id in ids}
    if not ids:
        return found
    users = (User.objects.filter(office_id__in=ids, is_active=True).exclude(email="")
             .filter(role_assignments__role__in=[Role.GROUP_HEAD, Role.PLANNING]).distinct()
             .prefetch_related("role_assignments", "work_groups").order_by("pk"))
    for user in users:
        heads, planning = found[user.office_id]
        roles = {assignment.role for assignment in user.role_assignments.all()}
        if Role.PLANNING in roles:
            planning.append(user)
        if Role.GROUP_HEAD in roles:
            for group in user.work_groups.all():
                heads[group.pk].append(user)
    return found
