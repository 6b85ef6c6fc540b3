"""The weekly digest for planning staff and the director: what is due, what is late, what waits for them.

Sent on Monday morning by Celery beat (``send_reminders --digest`` by hand). One e-mail per person
per ISO week (the outbox key says which week), to active users with an address who have the
planning or director role and have not turned the digest off (``User.wants_digest``). Nobody gets
an empty digest: a week with nothing to say sends nothing. What the digest says comes from the
sections the domain apps register (``reminders.sources``).
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.urls import reverse

from accounts.models import Office, Role, User

from . import outbox
from .models import Message
from .sources import DIGEST_SECTIONS

DIGEST_ROLES = (Role.PLANNING, Role.DIRECTOR)


def week_label(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _recipients(office):
    return (User.objects.filter(office=office, is_active=True, wants_digest=True)
            .exclude(email="").filter(role_assignments__role__in=DIGEST_ROLES).distinct()
            .prefetch_related("role_assignments"))


def _context(weeks: dict, user, today: date) -> dict | None:
    """The recipient's digest: each section's part, None when no section has anything to say."""
    parts = [DIGEST_SECTIONS[name].context(week, user, today) for name, week in weeks.items()]
    parts = [part for part in parts if part is not None]
    if not parts:
        return None
    context = {"today": today}
    links = {"settings": outbox.site_url(reverse("reminders:mine"))}
    for part in parts:
        links.update(part.get("links", {}))
        context.update(part)
    context["links"] = links
    return context


def summary(context: dict) -> str:
    """One line per letter for the command's dry run."""
    return "; ".join(section.summary(context) for section in DIGEST_SECTIONS.values())


@dataclass
class DigestLetter:
    recipient: User
    context: dict


def _office_weeks(office, today: date) -> dict | None:
    """What each section says this week for ``office``; None when no section has the office's year."""
    weeks = {name: section.week(office, today) for name, section in DIGEST_SECTIONS.items()}
    weeks = {name: week for name, week in weeks.items() if week is not None}
    return weeks or None


def plan(today: date) -> list[DigestLetter]:
    """The digests that would go out this week and have not gone yet."""
    label, letters = week_label(today), []
    sent = set(Message.objects.filter(kind=Message.Kind.DIGEST, key__startswith=f"digest:{label}:")
               .values_list("key", flat=True))
    offices = (User.objects.filter(is_active=True, wants_digest=True, role_assignments__role__in=DIGEST_ROLES)
               .exclude(email="").exclude(office=None).values_list("office", flat=True).distinct())
    for office in Office.objects.filter(pk__in=list(offices)).order_by("pk"):
        weeks = None
        for user in _recipients(office):
            if digest_key(label, user) in sent:
                continue
            weeks = weeks or _office_weeks(office, today)
            if weeks is None:
                break
            context = _context(weeks, user, today)
            if context is not None:
                letters.append(DigestLetter(user, context))
    return letters


def digest_key(label: str, user) -> str:
    return f"digest:{label}:user:{user.pk}"


def send(today: date) -> list[DigestLetter]:
    """Queue this week's digests; a second run in the same week queues nothing."""
    label = week_label(today)
    letters = plan(today)
    with transaction.atomic():
        for letter in letters:
            outbox.enqueue(key=digest_key(label, letter.recipient), kind=Message.Kind.DIGEST,
                           recipient=letter.recipient, office=letter.recipient.office, template="digest",
                           context={**letter.context, "week_label": label})
    return letters
