"""What each user may see: office first, then group and role.

Every list, count, dashboard, export and report goes through
``Model.objects.visible_to(user)``; models get it by basing their queryset on
:class:`ScopedQuerySet` and naming the lookups that lead to the office, the
owning group and (optionally) the owning users.
"""

from django.db import models
from django.db.models import Q

from .models import Office, Role
from .permissions import reads_final_work_only


def readable_office_ids(user) -> list[int]:
    """Offices whose data ``user`` may read at all."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return list(Office.objects.values_list("id", flat=True))
    if user.office_id is None:
        return []
    if user.has_role(Role.CENTRAL):
        return list(user.office.subtree().values_list("id", flat=True))
    return [user.office_id]


class ScopedQuerySet(models.QuerySet):
    #: lookup from the model to its Office
    office_lookup: str = "office"
    #: lookup from the model to the WorkGroup that owns it, or None if office-wide data
    group_lookup: str | None = None
    #: lookup from the model to the users who own it (FK or M2M), or None
    owner_lookup: str | None = None
    #: for reviewed work: the filter that keeps only finished work (approved, closed), the only part of it that
    #: readers from outside the office (committee members) see; None when the model has no unfinished state
    final_filter: dict | None = None

    def in_office(self, office):
        return self.filter(**{self.office_lookup: office})

    def visible_to(self, user):
        office_ids = readable_office_ids(user)
        if not office_ids:
            return self.none()
        if user.is_superuser:
            return self
        qs = self.filter(**{f"{self.office_lookup}__in": office_ids})
        if self.final_filter is not None and reads_final_work_only(user):
            qs = qs.filter(**self.final_filter)
        if self.group_lookup is None and self.owner_lookup is None:
            return qs
        if user.has_role(Role.CENTRAL) or user.sees_whole_office:
            return qs
        condition = Q(**{f"{self.group_lookup}__in": list(user.group_ids)}) if self.group_lookup else Q(pk__in=[])
        if self.owner_lookup:
            owned = self.model._base_manager.filter(**{self.owner_lookup: user}).values("pk")
            condition |= Q(pk__in=owned)
        return qs.filter(condition)

