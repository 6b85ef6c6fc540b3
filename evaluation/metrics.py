"""Figures other pages show about the evaluation (the M&E-health page)."""

from django.db.models import Count, Q

from .models import Invitation


def answers_received(office, fiscal_year) -> tuple[int, int]:
    """(invitations answered, invitations sent) for the office's evaluation of ``fiscal_year``."""
    counts = Invitation.objects.filter(evaluation__office=office, evaluation__project__fiscal_year=fiscal_year).aggregate(
        invited=Count("pk"), received=Count("pk", filter=Q(answered_at__isnull=False)))
    return counts["received"], counts["invited"]
