"""Project workflows that touch several models."""

from django.db import transaction

from .models import Project


@transaction.atomic
def save_project(*, form, activities, indicators) -> Project:
    """Save a validated project form with its activity and indicator formsets, all or nothing."""
    project = form.save()
    for formset in (activities, indicators):
        formset.instance = project
        formset.save()
    return project
