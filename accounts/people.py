"""Who watches an office's work: the people told when something is late."""

from collections import defaultdict

from .models import Role, User


def watchers(office) -> tuple[dict[int, list[User]], list[User]]:
    """The office's group heads by group id, and its planning staff (active, with an address)."""
    users = (User.objects.filter(office=office, is_active=True).exclude(email="")
             .filter(role_assignments__role__in=[Role.GROUP_HEAD, Role.PLANNING]).distinct()
             .prefetch_related("role_assignments", "work_groups"))
    heads, planning = defaultdict(list), []
    for user in users:
        roles = {assignment.role for assignment in user.role_assignments.all()}
        if Role.PLANNING in roles:
            planning.append(user)
        if Role.GROUP_HEAD in roles:
            for group in user.work_groups.all():
                heads[group.pk].append(user)
    return heads, planning
