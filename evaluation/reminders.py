"""Evaluators with an account who have not answered yet, as a source of deadline reminders (registered in
``EvaluationConfig.ready()``): told 7 days and 1 day before the form's deadline, once per rule, through the same
outbox as every other reminder. Outside evaluators (no account) who were given an e-mail address are told the
same way at that address, with their signed link; those without one get their link from planning (print or QR)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from reminders import outbox
from reminders.sources import Source

from . import links
from .models import EvaluationForm, Invitation


@dataclass(frozen=True)
class EvaluationRule:
    days_before: int
    audience: str = "owner"

    @property
    def code(self) -> str:
        return f"eval-{self.days_before}"


RULES = (EvaluationRule(7), EvaluationRule(1))


@dataclass
class EvaluationItem:
    recipient: User | None  # None: an outside evaluator, told at the invitation's e-mail address
    invitation: Invitation
    deadline: date
    rule: EvaluationRule
    days_left: int
    kind = "evaluation"

    @property
    def key(self) -> str:
        who = f"user:{self.recipient.pk}" if self.recipient is not None else "outside"
        return f"evaluation:{self.invitation.pk}:{self.rule.code}:{self.deadline.isoformat()}:{who}"

    @property
    def to_email(self) -> str:
        return self.recipient.email if self.recipient is not None else self.invitation.email

    @property
    def to_name(self) -> str:
        return self.recipient.full_name if self.recipient is not None else self.invitation.name

    @property
    def office_id(self) -> int:
        return self.invitation.evaluation.office_id

    @property
    def project(self):
        return self.invitation.evaluation.project

    @property
    def due_date(self) -> date:
        return self.deadline

    def link(self, site_url) -> str:
        if self.recipient is None:  # no login: the signed link (made at sending time, so it is fresh)
            return site_url(links.path_for(self.invitation))
        return site_url(reverse("evaluation:answer", args=[self.invitation.pk]))

    def line(self) -> str:
        return (f"evaluation invitation {self.invitation.pk} of project {self.project.code} due {self.deadline} "
                f"[{self.rule.code}] {self.days_left:+d} days")


def evaluation_items(today: date, catch_up_days: int) -> list[EvaluationItem]:
    forms = {}
    for form in EvaluationForm.objects.filter(deadline__range=(today, today + timedelta(days=max(r.days_before for r in RULES)))):
        current = forms.get(form.fiscal_year_id)
        if current is None or form.version > current.version:
            forms[form.fiscal_year_id] = form
    if not forms:
        return []
    items = []
    account = Q(user__isnull=False, user__is_active=True) & ~Q(user__email="")
    outside = Q(user__isnull=True) & ~Q(email="")
    invitations = (Invitation.objects.filter(account | outside, answered_at__isnull=True,
                                             evaluation__project__fiscal_year_id__in=list(forms))
                   .select_related("user", "evaluation__project"))
    for invitation in invitations:
        form = forms[invitation.evaluation.project.fiscal_year_id]
        latest = None
        for rule in RULES:
            day = form.deadline - timedelta(days=rule.days_before)
            if day <= today <= day + timedelta(days=catch_up_days) and (latest is None or day > latest[0]):
                latest = (day, rule)
        if latest is not None:
            items.append(EvaluationItem(invitation.user, invitation, form.deadline, latest[1],
                                        (form.deadline - today).days))
    return items


def letter_context(items: list[EvaluationItem], today: date) -> dict:
    for item in items:
        item.href = item.link(outbox.site_url)
    # the list of one's evaluations needs an account; an outside evaluator has only the links above
    accounts = any(item.recipient is not None for item in items)
    return {"evaluations": items,
            "my_evaluations": outbox.site_url(reverse("evaluation:index")) if accounts else ""}


EVALUATION_SOURCE = Source(kind=EvaluationItem.kind, items=evaluation_items, context=letter_context)
