"""Inspections (การตรวจราชการ): rounds, inspection issues with the office's report, the inspectors'
recommendations, and the actions that follow them up to closure.

The issue report and the monitoring result are reviews' reviewed records (draft → submitted → verified →
approved, or returned with a reason); an action goes open → in progress → done → closed (or back to in
progress, returned with a reason). All keep a history of events and evidence through reviews.engine;
their moves tables are in inspections.workflow.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet
from reviews.evidence import EvidenceBase
from reviews.models import ReviewedRecord, ReviewEvent


class Body(models.TextChoices):
    """The inspecting bodies every office starts with (seeded by migration 0004 and for each new office)."""
    OBEC = "obec", _("OBEC inspectors (ผู้ตรวจราชการ สพฐ.)")
    MOE = "moe", _("Ministry of Education inspectors")
    PMO = "pmo", _("Integrated inspection of the Prime Minister's Office")
    PROVINCE = "province", _("Provincial inspectors (ผู้ตรวจราชการสำนักงานจังหวัด)")


class Layout(models.TextChoices):
    """How a round's report is laid out (inspections.report): OBEC's issue-by-issue report or the PMO's table."""
    OBEC = "obec", _("OBEC layout (issue by issue)")
    PMO = "pmo", _("PMO integrated inspection layout (one table)")


# code, layout of the bodies every office starts with (names: Body's Thai labels at the time of seeding).
DEFAULT_BODIES = [(Body.OBEC, Layout.OBEC), (Body.MOE, Layout.OBEC), (Body.PMO, Layout.PMO),
                  (Body.PROVINCE, Layout.PMO)]


class BodyQuerySet(ScopedQuerySet):
    office_lookup = "office"


class InspectingBody(models.Model):
    """Who inspects the office (หน่วยตรวจราชการ): a list per office that planning extends."""

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="inspecting_bodies",
                               editable=False)
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    layout = models.CharField(_("round report layout"), max_length=8, choices=Layout.choices, default=Layout.OBEC)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        ordering = ["office", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["office", "code"], name="inspecting_body_unique_code")]
        verbose_name = _("inspecting body")
        verbose_name_plural = _("inspecting bodies")

    def __str__(self):
        return self.name


def seed_default_bodies(office, *, model=None) -> None:
    """Give ``office`` the default inspecting bodies it lacks (in Thai, whoever asks); idempotent."""
    from django.utils import translation

    model = model or InspectingBody
    with translation.override("th"):
        for order, (code, layout) in enumerate(DEFAULT_BODIES, start=1):
            model.objects.get_or_create(office_id=office.pk, code=code.value, defaults={
                "name": str(code.label), "layout": layout.value, "order": order})


class RoundQuerySet(ScopedQuerySet):
    office_lookup = "office"


class InspectionRound(models.Model):
    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="inspection_rounds",
                               editable=False)
    fiscal_year = models.ForeignKey("plans.FiscalYear", verbose_name=_("fiscal year"), on_delete=models.PROTECT,
                                    related_name="inspection_rounds")
    body = models.ForeignKey(InspectingBody, verbose_name=_("inspected by"), on_delete=models.PROTECT,
                             related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"), default=1)
    title = models.CharField(_("title"), max_length=300)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    inspectors = models.TextField(_("inspectors"), help_text=_("One name and position per line."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year__year", "start_date", "number"]
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.office_id = self.fiscal_year.office_id
        super().save(*args, **kwargs)


class IssueQuerySet(ScopedQuerySet):
    final_filter = {"state": "approved"}  # what committee members read
    office_lookup = "round__office"
    group_lookup = "group"
    owner_lookup = "responsible"


class InspectionIssue(ReviewedRecord):
    """An inspection issue (ประเด็นการตรวจราชการ) and the office's report on it."""

    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="issues")
    code = models.CharField(_("no."), max_length=20)
    title = models.CharField(_("inspection issue"), max_length=500)
    description = models.TextField(_("what the inspectors look at"), blank=True)
    group = models.ForeignKey("accounts.WorkGroup", verbose_name=_("responsible group"), on_delete=models.PROTECT,
                              related_name="inspection_issues")
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible person"),
                                    on_delete=models.PROTECT, related_name="inspection_issues")
    projects = models.ManyToManyField("projects.Project", verbose_name=_("related projects"), blank=True,
                                      related_name="inspection_issues")
    indicators = models.ManyToManyField("plans.Indicator", verbose_name=_("related indicators"), blank=True,
                                        related_name="inspection_issues")
    report = models.TextField(_("the office's report"), blank=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["round", "code"]
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="inspection_issue_unique_code")]
        verbose_name = _("inspection issue")
        verbose_name_plural = _("inspection issues")

    def __str__(self):
        return f"{self.code} {self.title}"


class IssueEvent(ReviewEvent):
    issue = models.ForeignKey(InspectionIssue, on_delete=models.CASCADE, related_name="events")


class IssueEvidence(EvidenceBase):
    issue = models.ForeignKey(InspectionIssue, on_delete=models.CASCADE, related_name="evidence")


class Recommendation(models.Model):
    """An inspector's recommendation (ข้อเสนอแนะของผู้ตรวจราชการ), analysed by planning, decided by the director."""

    issue = models.ForeignKey(InspectionIssue, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField(_("no."), default=1)
    text = models.TextField(_("recommendation"))
    analysis = models.TextField(_("planning group's analysis"), blank=True)
    decision = models.TextField(_("director's decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # The analysis is reviewed content: written through reviews.engine with a version check; its events go in
    # the issue's history.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issue", "number", "id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self):
        return f"{self.issue.code}.{self.number} {self.text[:60]}"


class ActionQuerySet(ScopedQuerySet):
    final_filter = {"state": "closed"}  # what committee members read
    office_lookup = "recommendation__issue__round__office"
    group_lookup = "group"
    owner_lookup = "owner"

    def open(self):
        return self.exclude(state=FollowUpAction.State.CLOSED)


class FollowUpAction(models.Model):
    """What a group does about a recommendation, by a due date, followed up to closure."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done, waiting for verification")
        RETURNED = "returned", _("Returned for more work")
        CLOSED = "closed", _("Verified and closed")

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=500)
    group = models.ForeignKey("accounts.WorkGroup", verbose_name=_("group"), on_delete=models.PROTECT,
                              related_name="inspection_actions")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="inspection_actions")
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN, db_index=True)
    progress = models.TextField(_("follow-up report"), blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self):
        return self.title

    def is_overdue(self, today) -> bool:
        return self.state in (self.State.OPEN, self.State.IN_PROGRESS, self.State.RETURNED) and self.due_date < today


class ActionEvent(ReviewEvent):
    action_item = models.ForeignKey(FollowUpAction, on_delete=models.CASCADE, related_name="events")


class ActionEvidence(EvidenceBase):
    action_item = models.ForeignKey(FollowUpAction, on_delete=models.CASCADE, related_name="evidence")


# --- policy and indicator monitoring ------------------------------------------------------------------


class AssignmentQuerySet(ScopedQuerySet):
    office_lookup = "fiscal_year__office"


class Assignment(models.Model):
    """The person responsible for an OBEC policy, focus point or indicator in a year (คำสั่งผู้รับผิดชอบ)."""

    fiscal_year = models.ForeignKey("plans.FiscalYear", on_delete=models.CASCADE, related_name="assignments")
    plan_item = models.ForeignKey("plans.PlanItem", verbose_name=_("policy or focus point"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="assignments")
    indicator = models.ForeignKey("plans.Indicator", verbose_name=_("indicator"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="assignments")
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible person"),
                                    on_delete=models.PROTECT, related_name="monitoring_assignments")
    group = models.ForeignKey("accounts.WorkGroup", verbose_name=_("group"), on_delete=models.PROTECT,
                              related_name="monitoring_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["plan_item__order", "indicator__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "plan_item"], name="assignment_unique_item",
                                    condition=models.Q(plan_item__isnull=False)),
            models.UniqueConstraint(fields=["fiscal_year", "indicator"], name="assignment_unique_indicator",
                                    condition=models.Q(indicator__isnull=False)),
            models.CheckConstraint(condition=models.Q(plan_item__isnull=True) ^ models.Q(indicator__isnull=True),
                                   name="assignment_item_or_indicator"),
        ]
        verbose_name = _("responsible person assignment")
        verbose_name_plural = _("responsible person assignments")


class MonitoringRoundQuerySet(ScopedQuerySet):
    office_lookup = "fiscal_year__office"


class MonitoringRound(models.Model):
    """A call for indicator results (e.g. the mid-year OBEC policy monitoring form), with a due date."""

    fiscal_year = models.ForeignKey("plans.FiscalYear", on_delete=models.CASCADE, related_name="monitoring_rounds")
    title = models.CharField(_("title"), max_length=300)
    due_date = models.DateField(_("due date"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MonitoringRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-due_date", "-id"]
        verbose_name = _("monitoring round")
        verbose_name_plural = _("monitoring rounds")

    def __str__(self):
        return self.title


class ResultQuerySet(ScopedQuerySet):
    final_filter = {"state": "approved"}  # what committee members read
    office_lookup = "round__fiscal_year__office"
    group_lookup = "group"
    owner_lookup = "responsible"


class MonitoringResult(ReviewedRecord):
    """One indicator's result in a monitoring round, reported by its responsible person."""

    round = models.ForeignKey(MonitoringRound, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey("plans.Indicator", on_delete=models.PROTECT, related_name="monitoring_results")
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="monitoring_results")
    group = models.ForeignKey("accounts.WorkGroup", on_delete=models.PROTECT, related_name="monitoring_results")
    value = models.DecimalField(_("result"), max_digits=14, decimal_places=2, null=True, blank=True)
    narrative = models.TextField(_("what was done and achieved"), blank=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["round", "indicator__order", "indicator__code"]
        constraints = [models.UniqueConstraint(fields=["round", "indicator"], name="monitoring_result_unique")]

    def __str__(self):
        return f"{self.round} · {self.indicator.code}"

    @property
    def achieved(self) -> bool | None:
        target = self.indicator.target_value
        if self.indicator.is_qualitative or target is None or self.value is None:
            return None
        return self.value >= target


class ResultEvent(ReviewEvent):
    result = models.ForeignKey(MonitoringResult, on_delete=models.CASCADE, related_name="events")


class ResultEvidence(EvidenceBase):
    result = models.ForeignKey(MonitoringResult, on_delete=models.CASCADE, related_name="evidence")


# --- the monitoring round's meetings and its sending to OBEC ------------------------------------------


class MeetingQuerySet(ScopedQuerySet):
    office_lookup = "round__fiscal_year__office"


class MonitoringMeeting(models.Model):
    """A meeting of a monitoring round (§5.1 step 3: briefing and appointment; step 5: checking the data)."""

    class Kind(models.TextChoices):
        BRIEFING = "briefing", _("Briefing and appointment meeting (step 3)")
        DATA_CHECK = "data_check", _("Meeting to check the data (step 5)")

    round = models.ForeignKey(MonitoringRound, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("meeting"), max_length=10, choices=Kind.choices, default=Kind.BRIEFING)
    date = models.DateField(_("date"))
    attendees = models.TextField(_("attendees"), help_text=_("One name and position per line."))
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["round", "date", "id"]
        verbose_name = _("monitoring meeting")
        verbose_name_plural = _("monitoring meetings")

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"

    @property
    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class MeetingFile(EvidenceBase):
    """The minutes as a file (รายงานการประชุม), checked like any evidence (documents.uploads)."""

    meeting = models.ForeignKey(MonitoringMeeting, on_delete=models.CASCADE, related_name="evidence")


class SendingQuerySet(ScopedQuerySet):
    office_lookup = "round__fiscal_year__office"


class RoundSending(models.Model):
    """The round's results sent to OBEC with their evidence (§5.1 step 7): once; corrections keep a reason."""

    round = models.OneToOneField(MonitoringRound, on_delete=models.CASCADE, related_name="sending")
    sent_on = models.DateField(_("date sent"))
    letter_number = models.CharField(_("letter number (เลขที่หนังสือ)"), max_length=100)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
                                related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = SendingQuerySet.as_manager()

    class Meta:
        verbose_name = _("sending to OBEC")
        verbose_name_plural = _("sendings to OBEC")


class SendingCorrection(models.Model):
    """A correction of a recorded sending: what changed (old, new), why, by whom."""

    sending = models.ForeignKey(RoundSending, on_delete=models.CASCADE, related_name="corrections")
    changes = models.JSONField(default=dict)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
