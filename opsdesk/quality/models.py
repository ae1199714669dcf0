"""Surveys (METRICS.md §4): the configured survey, each decision to send it about a ticket and the customer's answer,
and the customers who asked not to be surveyed. QA scorecards and reviews come in later slices (issue 14).

A `SurveyRequest` is written when a ticket is solved (the `quality.surveys` consumer), sent or skipped when it is due
(every rule is checked at send time, and a skip keeps its reason), and holds the latest answer: the one-click link
records the rating once, the landing page may change it or add a comment until the answer window ends, and each of
these is an event on the ticket's timeline.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsdesk.core.translations import Translatable, Translated, translations_field


class Survey(Translatable):
    """A survey the desk sends after a ticket is solved: what it asks, on which scale, when and how often."""

    class Kind(models.TextChoices):
        CSAT = "csat", _("Customer satisfaction (CSAT)")
        NPS = "nps", _("Net Promoter Score (NPS)")
        CES = "ces", _("Customer effort (CES)")

    class Style(models.TextChoices):
        NUMBERS = "numbers", _("Numbers")
        FACES = "faces", _("Faces")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    # CSAT 2 (binary: 1 bad, 2 good), 3, 4, 5 or 7 points; NPS 0–10 (11); CES 1–7 (7)
    scale = models.PositiveSmallIntegerField(_("scale"))
    style = models.CharField(_("answer buttons"), max_length=8, choices=Style.choices, default=Style.NUMBERS)
    question = models.CharField(_("question"), max_length=300)
    question_translations = translations_field(_("question in other languages"))

    class Moment(models.TextChoices):
        SOLVED = "solved", _("After the ticket is solved")
        CHAT_ENDED = "chat_ended", _("After a chat ends")

    moment = models.CharField(_("when it is sent"), max_length=12, choices=Moment.choices, default=Moment.SOLVED)
    delay_minutes = models.PositiveIntegerField(_("delay after solving (minutes)"), default=1440)
    cooldown_days = models.PositiveSmallIntegerField(_("at most once per (days)"), null=True, blank=True)
    sample_every = models.PositiveSmallIntegerField(_("send to one in"), default=1)
    excluded_tags = models.JSONField(_("never for tickets tagged"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    display_question = Translated("question")

    class Meta:
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(sample_every__gte=1), name="survey_sample_every_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_settings_url(self) -> str:
        return reverse("quality:survey_edit", args=[self.pk])

    @property
    def lowest(self) -> int:
        return 0 if self.kind == self.Kind.NPS else 1

    @property
    def highest(self) -> int:
        return 10 if self.kind == self.Kind.NPS else self.scale


class SurveyRequest(models.Model):
    """One survey about one ticket (one solve cycle) to its requester: scheduled, then sent or skipped, then
    answered. The agent and team are those at solve time (METRICS.md §4 attribution)."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        CANCELLED = "cancelled", _("Cancelled")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="requests")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="survey_requests")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="survey_requests")
    # the solve that caused it (a ticket event id): a repeated consumer batch finds it there and adds none
    cause_event = models.BigIntegerField()
    kind = models.CharField(max_length=4, choices=Survey.Kind.choices)
    scale = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    skip_reason = models.CharField(max_length=20, blank=True, default="")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True, default="")
    address = models.EmailField(blank=True, default="")
    mail = models.ForeignKey("core.OutgoingMail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey("people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rating = models.SmallIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=20, blank=True, default="")
    comment = models.TextField(blank=True, default="")
    comment_words = models.JSONField(default=dict, blank=True)  # stem → the word written (quality/topics.py `words`)
    answered_at = models.DateTimeField(null=True, blank=True)  # the first answer
    changed_at = models.DateTimeField(null=True, blank=True)  # the latest answer or comment
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survey", "cause_event"], name="survey_request_once_per_cause"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "due_at"], name="survey_request_due"),
            models.Index(fields=["customer", "sent_at"], name="survey_request_customer"),
            models.Index(fields=["kind", "sent_at"], name="survey_request_kind_sent"),
            models.Index(fields=["ticket", "-id"], name="survey_request_ticket"),
            # The quality dashboard's periods, read from the index alone (a million tickets' 300,000 answers: a
            # period of 90 days was a scan of every row, 1.2 s a query on SQLite).
            models.Index(
                fields=["answered_at", "kind", "scale", "rating", "agent", "ticket"],
                name="survey_request_answered",
                condition=models.Q(answered_at__isnull=False),
            ),
            models.Index(
                fields=["sent_at", "answered_at", "mail", "ticket"],
                name="survey_request_sent",
                condition=models.Q(sent_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"


class SurveyOptOut(models.Model):
    """A customer who asked not to be surveyed again: honoured by every survey, on every channel."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, related_name="survey_opt_out")
    at = models.DateTimeField()
    source = models.CharField(max_length=10)  # "link" (the survey page) or "agent"

    def __str__(self) -> str:
        return f"{self.customer_id} opted out"


# --- QA (METRICS.md §5) ----------------------------------------------------------------------------------------------


class Scorecard(models.Model):
    """A QA scorecard: its current definition is its latest version; a review keeps the version it was scored on."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def latest_version(self) -> ScorecardVersion:
        return self.versions.order_by("-number").first()  # type: ignore[return-value]


class ScorecardVersion(models.Model):
    """One version of a scorecard's sections and items, as written in the editor (`source`) and as the score engine
    reads it (`definition`, quality/cards.py). Never changed once written."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    source = models.TextField()
    definition = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["scorecard", "number"], name="scorecard_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard_id} v{self.number}"


class ReviewQuerySet(models.QuerySet["Review"]):
    def visible_to(self, user: Any) -> ReviewQuerySet:
        """Leads and managers (review_quality) see the reviews of tickets they see; an agent sees the reviews of
        their own work once shared with them (never a review still being written, nor a calibration's)."""
        from opsdesk.accounts.capabilities import Capability, can
        from opsdesk.tickets.querysets import joined_to_visible_tickets

        if can(user, Capability.REVIEW_QUALITY):
            # a calibration's reviews are blind: each reviewer sees their own until the session is revealed
            blind = models.Q(calibration__isnull=True) | models.Q(reviewer=user)
            blind |= models.Q(calibration__revealed_at__isnull=False)
            return cast(ReviewQuerySet, joined_to_visible_tickets(self.filter(blind), user))
        if not getattr(user, "is_authenticated", False) or user.role == "customer":
            return self.none()
        return self.filter(reviewee=user, shared_at__isnull=False, calibration__isnull=True)


class Review(models.Model):
    """A QA review of one ticket's conversation for one agent (the reviewee), on one scorecard version."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SHARED = "shared", _("Shared with the agent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="qa_reviews")
    version = models.ForeignKey(ScorecardVersion, on_delete=models.PROTECT, related_name="reviews")
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="reviews")
    reviewee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ratings = models.JSONField(default=dict)  # item key -> rating, or null for N/A
    score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)  # after disputes
    original_score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    outcome = models.CharField(max_length=4, default="pass")
    summary = models.TextField(blank=True, default="")
    state = models.CharField(max_length=12, choices=State.choices, default=State.SUBMITTED)
    sample_reason = models.CharField(max_length=20, blank=True, default="")  # random, a targeted pool, or manual ""
    # a calibration session's review: blind until the session is revealed, never shared, never in IQS
    calibration = models.ForeignKey(
        "CalibrationSession", null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["ticket", "scorecard", "reviewer"],
                condition=models.Q(calibration__isnull=True),
                name="review_once_per_reviewer",
            ),
            models.UniqueConstraint(
                fields=["ticket", "reviewer", "calibration"],
                condition=models.Q(calibration__isnull=False),
                name="calibration_review_once",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["reviewee", "-created_at"], name="review_reviewee"),
            models.Index(fields=["scorecard", "-created_at"], name="review_scorecard"),
            models.Index(fields=["created_at", "sample_reason", "score", "reviewee", "ticket"], name="review_created"),
        ]

    def __str__(self) -> str:
        return f"review #{self.pk} of ticket #{self.ticket_id}"

    def get_absolute_url(self) -> str:
        return reverse("qa:review_detail", args=[self.pk])


class ReviewComment(models.Model):
    """A reviewer's comment on one message of the reviewed conversation."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    message = models.ForeignKey("tickets.Message", on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["message_id", "id"]

    def __str__(self) -> str:
        return f"comment on message #{self.message_id}"


class Dispute(models.Model):
    """The reviewee (or a lead) disputes a shared review (METRICS.md §5): one open at a time, resolved with a
    comment."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        PARTIALLY_ACCEPTED = "partially_accepted", _("Partly accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="disputes")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField()
    proposed = models.JSONField(default=dict, blank=True)  # item key -> the rating the disputer proposes
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    resolver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(blank=True, default="")
    score_before = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    score_after = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["review"], condition=models.Q(state="open"), name="dispute_one_open_per_review"
            ),
        ]

    def __str__(self) -> str:
        return f"dispute #{self.pk} ({self.state})"


class SampleCycle(models.Model):
    """A week's QA sample of one scorecard (METRICS.md §5 sampling): its seed is stored, so drawing the same week
    again gives the same sample."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="cycles")
    starts = models.DateField()
    ends = models.DateField()  # exclusive
    seed = models.BigIntegerField()
    quota = models.PositiveSmallIntegerField()
    pools = models.JSONField(default=list, blank=True)  # the targeted pools drawn (actions/samples.py POOLS)
    tags = models.JSONField(default=list, blank=True)  # the tagged pool's tags
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["scorecard", "starts"], name="sample_cycle_once")]

    def __str__(self) -> str:
        return f"{self.scorecard_id} from {self.starts}"


class SampleItem(models.Model):
    """One ticket drawn for review in a cycle: the agent it reviews, why it was drawn (random, or a targeted pool)
    and the reviewer it was given to; its review once written."""

    cycle = models.ForeignKey(SampleCycle, on_delete=models.CASCADE, related_name="items")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["cycle", "ticket"], name="sample_item_once")]
        indexes: ClassVar = [models.Index(fields=["reviewer", "review"], name="sample_item_queue")]

    def __str__(self) -> str:
        return f"ticket #{self.ticket_id} ({self.reason})"


class CalibrationSession(models.Model):
    """Several reviewers score the same tickets blind on one scorecard version, the calibrator scores the baseline;
    revealed, each sees everyone's scores and the deviations (METRICS.md §5 calibration)."""

    name = models.CharField(max_length=100)
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="calibrations")
    version = models.ForeignKey(ScorecardVersion, on_delete=models.PROTECT, related_name="+")
    calibrator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    tickets = models.JSONField(default=list)  # ticket ids, in order
    revealed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("qa:calibration_detail", args=[self.pk])


class CoachingTask(models.Model):
    """A lead's task to coach an agent on one criterion where their reviews are weak (METRICS.md §5 bands: below
    70 needs improvement); done when the coaching has happened. A training assignment joins it once the people
    module has training records."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_tasks")
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="+")
    item_key = models.CharField(max_length=80)
    item_name = models.CharField(max_length=200)  # as the criterion was named when the task was made
    score = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)  # the agent's, then
    reviews = models.PositiveIntegerField(default=0)  # how many reviews that score is of
    note = models.TextField(blank=True, default="")
    due_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=4, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agent", "scorecard", "item_key"],
                condition=models.Q(state="open"),
                name="coaching_task_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"coaching {self.agent_id} on {self.item_key}"
