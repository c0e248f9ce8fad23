"""公示: the publicity of review results for N working days, its entries and objections.

Entries are a plain ForeignKey child (not a ParentalKey inside page revisions): a roster of
3,000 names would bloat every revision, and publishing an old revision must never undo an
import or an `excluded` flag set by an upheld objection.
"""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from website.choices import Gender, ReviewType, TermChoices, region_field
from website.formatting import cn_date
from website.models import IntroPage
from website.people import PersonFields
from website.roles import authority_field, link_field, user_field
from website.slugs import ReadableSlugFormMixin
from website.storage import private_storage

from . import objections, workdays
from .forms import ObjectionForm
from .outcomes import publicity_outcome
from .panels import PublicityPeriodPanel
from .roster_html import build_roster, entry_options_html


class CalendarYear(models.Model):
    """工作日历年度: one year's schedule, national (blank region) or regional, as one unit.

    A year answers only once it is marked complete with its source and who confirmed it
    (`workdays` reads complete years only): a draft with a single day of 元旦 must never make
    the rest of the year look like plain weekdays.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿（不生效）"
        COMPLETE = "complete", "已确认完整"

    year = models.PositiveSmallIntegerField(
        "年份", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    region = region_field(
        "地区",
        help_text="留空表示全国安排（国务院办公厅通知）；填写地区表示该地区自己的节假日（如新疆的肉孜节、古尔邦节）。",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    source = models.CharField(
        "依据",
        max_length=300,
        blank=True,
        help_text="文号或网址，如 国办发明电〔2025〕7号。确认完整前必须填写。",
    )
    source_text = models.TextField(
        "通知原文", blank=True, help_text="导入时粘贴的通知全文，留作核对。"
    )
    confirmed_by = user_field("确认人", editable=False)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True, editable=False)

    panels = [
        FieldPanel("year"),
        FieldPanel("region"),
        FieldPanel("source"),
        FieldPanel("source_text"),
    ]

    class Meta:
        verbose_name = verbose_name_plural = "工作日历年度"
        ordering = ["-year", "region"]
        constraints = [
            models.UniqueConstraint(fields=["year", "region"], name="unique_calendar_year_region")
        ]
        permissions = [("maintain_calendar", "维护工作日历（导入、修改、确认年度放假安排）")]

    def __str__(self) -> str:
        return f"{self.year}年 {self.region or '全国'}（{self.get_status_display()}）"

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.COMPLETE

    def clean(self):
        super().clean()
        if not self.pk:
            return
        stored = CalendarYear.objects.filter(pk=self.pk).values("year", "region").first()
        moved = stored and (stored["year"] != self.year or stored["region"] != self.region)
        if moved and self.is_complete:
            raise ValidationError("该年度已确认完整，不能修改年份或地区；请先退回草稿。")
        if moved and self.days.exclude(date__year=self.year).exists():
            raise ValidationError(
                {"year": f"该年度已有不在{self.year}年内的日期，请先修改或删除这些日期。"}
            )

    def confirm(self, user) -> None:
        """Mark the year complete: from now on it answers for every one of its days."""
        if not self.source.strip():
            raise ValidationError({"source": "确认前请填写依据（文号或网址）。"})
        self.status = self.Status.COMPLETE
        self.confirmed_by = user if getattr(user, "pk", None) else None
        self.confirmed_at = timezone.now()
        self.save()

    def reopen(self) -> None:
        """Back to draft (to correct it): the year stops answering until confirmed again."""
        self.status = self.Status.DRAFT
        self.confirmed_by = None
        self.confirmed_at = None
        self.save()


class CalendarDay(models.Model):
    """工作日历: one day off or make-up working day of a calendar year."""

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name="年度", on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField("日期")
    is_working = models.BooleanField(
        "上班", default=False, help_text="勾选表示当天上班（如周末调休上班）；不勾选表示放假。"
    )
    name = models.CharField("名称", max_length=60, help_text="如 春节、国庆节、古尔邦节")

    panels = [
        FieldPanel("calendar_year"),
        FieldPanel("date"),
        FieldPanel("is_working"),
        FieldPanel("name"),
    ]

    class Meta:
        verbose_name = verbose_name_plural = "工作日历日期"
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar_year", "date"], name="unique_calendar_year_day"
            )
        ]

    def __str__(self) -> str:
        kind = "上班" if self.is_working else "放假"
        region = self.calendar_year.region if self.calendar_year_id else ""
        return f"{cn_date(self.date)} {self.name}（{region or '全国'}，{kind}）"

    def clean(self):
        super().clean()
        if not self.calendar_year_id or not self.date:
            return
        if self.date.year != self.calendar_year.year:
            raise ValidationError({"date": f"日期应在{self.calendar_year.year}年内。"})
        if self.calendar_year.is_complete:
            # A confirmed year changes only as a whole: reopen it, edit, confirm again.
            raise ValidationError(
                {"calendar_year": "该年度已确认完整，不能单独修改某一天；请先将年度退回草稿。"}
            )


class PublicityPageQuerySet(PageQuerySet):
    def running(self, now: datetime.datetime | None = None):
        """Live publicity whose period has not ended (request-time check, scheduler or not)."""
        now = now or timezone.now()
        return (
            self.live()
            .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
            .filter(end_date__gte=workdays.today_in_shanghai(now))
            .select_related("authority")
            .order_by("end_date", "-start_date")
        )

    def upcoming(self, now: datetime.datetime | None = None):
        """Publicity scheduled to go live later (approved for publishing, not live yet)."""
        now = now or timezone.now()
        return (
            self.filter(
                live=False, go_live_at__gt=now, _revisions__approved_go_live_at__isnull=False
            )
            .distinct()
            .select_related("authority")
            .order_by("start_date")
        )

    def ended(self, now: datetime.datetime | None = None):
        """Publicity whose period is over (24:00 of the last working day has passed), live or
        already unpublished by the scheduler: the query form of ``PublicityPage.has_ended``."""
        return self.filter(end_date__lt=workdays.today_in_shanghai(now or timezone.now()))


class PublicityIndexPage(IntroPage):
    """公示 column: running publicity, newest first; ended ones are gone from here."""

    subpage_types = ["publicity.PublicityPage"]

    class Meta:
        verbose_name = verbose_name_plural = "公示栏目"

    def route(self, request, path_components):
        # An expired publicity is unpublished by the scheduler; its address still answers
        # "公示已于…结束" (410, no names) rather than a bare 404. Looked up only when normal
        # routing fails, so serving a running publicity costs no extra query.
        try:
            return super().route(request, path_components)
        except Http404:
            if len(path_components) != 1:
                raise
        ended = (
            PublicityPage.objects.child_of(self)
            .ended()
            .filter(slug=path_components[0], live=False, expired=True)
            .first()
        )
        if ended is None:
            raise Http404
        from wagtail.url_routing import RouteResult

        return RouteResult(ended)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        children = PublicityPage.objects.child_of(self)
        context["running"] = children.running()
        context["upcoming"] = children.upcoming()
        return context


OBJECTION_PATH = "objection"
# Ended publicity answers 410 Gone: the names were withdrawn on purpose and will not return.
ENDED_STATUS = 410


class ReadablePublicityPageForm(ReadableSlugFormMixin, WagtailAdminPageForm):
    """A new publicity's address reads 2025-toutunhe-gongcheng-zhongji (website.slugs)."""

    def slug_year(self):
        start = self.cleaned_data.get("start_date")
        return start.year if start else None


class PublicityPage(RoutablePageMixin, Page):
    """一次公示: the names that passed a review meeting, posted for N working days."""

    objects = PageManager.from_queryset(PublicityPageQuerySet)()
    base_form_class = ReadablePublicityPageForm

    notice = link_field(
        "wagtailcore.Page",
        "所属评审通知",
        # The notices app defines NoticePage; a string filter keeps this app independent of it.
        limit_choices_to={
            "content_type__app_label": "notices",
            "content_type__model": "noticepage",
        },
    )
    authority = authority_field("publicity_pages", help_text="其所在地区决定适用的地方节假日。")
    review_committee = models.CharField("评审委员会", max_length=150)
    start_date = models.DateField("公示开始日期")
    working_days = models.PositiveSmallIntegerField(
        "公示工作日数",
        default=5,
        validators=[MinValueValidator(5, "公示期不得少于5个工作日。"), MaxValueValidator(60)],
    )
    end_date = models.DateField("公示结束日期", null=True, editable=False)
    # The real moments the names became public and stopped being public (set from Wagtail's
    # page_published / page_unpublished signals, see publicity.integrity); a document may be
    # made only when went_live_at <= start and taken_down_at (if any) >= end.
    went_live_at = models.DateTimeField("实际发布时间", null=True, blank=True, editable=False)
    taken_down_at = models.DateTimeField("实际撤下时间", null=True, blank=True, editable=False)
    intro = RichTextField("说明", blank=True, features=["bold", "italic", "link", "ol", "ul"])
    objection_contact = models.TextField(
        "异议受理方式", help_text="受理异议的单位、电话、地址或邮箱，显示在公示页面上。"
    )

    search_fields = Page.search_fields + [
        index.SearchField("review_committee"),
        index.SearchField("intro"),
        index.SearchField("entry_names"),
        # The admin page search (autocomplete) finds a publicity by a person's name.
        index.AutocompleteField("entry_names"),
        index.FilterField("start_date"),
        index.FilterField("end_date"),
    ]

    content_panels = Page.content_panels + [
        PageChooserPanel("notice"),
        MultiFieldPanel(
            [
                FieldPanel("authority"),
                FieldPanel("review_committee"),
                FieldPanel("start_date"),
                FieldPanel("working_days"),
                PublicityPeriodPanel(),
            ],
            heading="公示时间",
        ),
        FieldPanel("intro"),
        FieldPanel("objection_contact"),
    ]
    # The schedule (go live / expiry) follows the start date and working days; a separate
    # publishing panel would only let the two disagree.
    settings_panels = []
    # A copy was never public: it must not inherit the original's go-live and take-down.
    exclude_fields_in_copy = ["went_live_at", "taken_down_at"]
    # base_form_class is publicity.integrity.PublicityPageForm, set in PublicityConfig.ready
    # (that module imports this one).

    parent_page_types = ["publicity.PublicityIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = verbose_name_plural = "公示"

    # -- the period ------------------------------------------------------------------------

    @property
    def region(self) -> str | None:
        return self.authority.region if self.authority_id else None

    def compute_period(self) -> workdays.Period:
        """The working days of this publicity (raises CalendarUnavailable)."""
        return workdays.count_period(self.start_date, self.working_days, self.region)

    def apply_schedule(self) -> None:
        """end_date, go_live_at = start 00:00 and expire_at = 24:00 of the last working day."""
        self.end_date = self.compute_period().end
        self.go_live_at, self.expire_at = workdays.period_bounds(self.start_date, self.end_date)

    def clean(self):
        super().clean()
        if self.start_date and self.working_days and self.authority_id:
            if self.working_days < 5:
                return  # the field validator reports it
            try:
                self.apply_schedule()
            except workdays.CalendarUnavailable as error:
                raise ValidationError({"start_date": str(error)}) from error

    def save(self, *args, **kwargs):
        if self.start_date and self.working_days and self.authority_id:
            try:
                self.apply_schedule()
            except workdays.CalendarUnavailable:
                # Keep a schedule computed earlier (e.g. when the scheduler republishes after
                # an override was deleted); a page without one cannot be saved.
                if self.end_date is None:
                    raise
        super().save(*args, **kwargs)

    @property
    def starts_at(self) -> datetime.datetime:
        return workdays.period_bounds(self.start_date, self.end_date)[0]

    @property
    def ends_at(self) -> datetime.datetime:
        return workdays.period_bounds(self.start_date, self.end_date)[1]

    @property
    def has_started(self) -> bool:
        return timezone.now() >= self.starts_at

    @property
    def has_ended(self) -> bool:
        """True from 24:00 of the last working day on (request-time, scheduler or not)."""
        return self.end_date is not None and timezone.now() >= self.ends_at

    def expire_if_ended(self, user=None) -> bool:
        """Do now what publish_scheduled would do for an ended publicity that is still live.

        Needed before publishing a new schedule: publish_scheduled unpublishes a live page
        whose expiry passed and, in doing so, clears the go-live approval of every revision,
        so a rescheduled run would silently never start.
        """
        if self.live and self.has_ended:
            self.unpublish(set_expired=True, user=user, log_action="wagtail.unpublish.scheduled")
            return True
        return False

    @property
    def is_running(self) -> bool:
        return self.has_started and not self.has_ended

    def remaining_working_days(self) -> int:
        """Working days left, today included when it is one (0 once ended)."""
        if self.has_ended:
            return 0
        today = workdays.today_in_shanghai()
        first = max(today, self.start_date)
        return workdays.working_days_between(first, self.end_date, self.region)

    @property
    def period_label(self) -> str:
        """公示时间：2023年11月1日至2023年11月7日（5个工作日）."""
        return (
            f"公示时间：{cn_date(self.start_date)}至{cn_date(self.end_date)}"
            f"（{self.working_days}个工作日）"
        )

    # -- entries ---------------------------------------------------------------------------

    def entry_names(self) -> str:
        """All names, for the search index (expired publicity leaves the index by unpublishing)."""
        if not self.pk:
            return ""
        return " ".join(self.entries.values_list("name", flat=True))

    def approved_entries(self):
        """Entries that pass once the period has ended: not excluded, no objection pending."""
        return (
            self.entries.filter(excluded=False)
            .exclude(objections__status__in=Objection.OPEN_STATUSES)
            .distinct()
            .order_by("sort_order", "pk")
        )

    # -- serving ---------------------------------------------------------------------------

    def get_sitemap_urls(self, request=None):
        if self.has_ended:
            return []
        return super().get_sitemap_urls(request)

    # The list is the same for every visitor and may be served from the page cache; the
    # objection form has its own address (…/objection/) because it carries a CSRF token and a
    # receipt, so it is rendered per visitor and never cached.

    def serve(self, request: HttpRequest, view=None, args=None, kwargs=None):
        if self.has_ended and not getattr(request, "is_preview", False):
            # Before the scheduler unpublishes it, and after (routed here by the index page).
            # The objection address is closed for good (410); the publicity's own address stays
            # a public record (200, noindex): period, counts, what it led to — never the names.
            ended_label = f"公示已于{cn_date(self.end_date)}结束"
            if view is not None and view.__name__ == "objection_route":
                return TemplateResponse(
                    request,
                    "publicity/publicity_ended.html",
                    {"page": self, "ended_label": ended_label},
                    status=ENDED_STATUS,
                )
            return TemplateResponse(
                request,
                "publicity/publicity_record.html",
                {**self.public_record(), "ended_label": ended_label},
            )
        if view is None:  # previews and pages routed by the index: the list
            return self.index_route(request)
        return super().serve(request, view, args, kwargs)

    @path("")
    def index_route(self, request: HttpRequest):
        """The list, with an objection link per name while running."""
        is_preview = getattr(request, "is_preview", False)
        if request.method not in ("GET", "HEAD") and not is_preview:
            # Objections are filed at the objection address; the list only answers GET.
            return HttpResponseNotAllowed(["GET", "HEAD"])
        running = self.is_running
        return self.render(
            request,
            context_overrides={
                "notice": self.public_notice(),
                "outcome": publicity_outcome(self),
                "roster": build_roster(self, request, running=running),
                "is_running": running,
                "remaining_days": self.remaining_working_days(),
                "objection_url": self.objection_url(request),
            },
        )

    @path(f"{OBJECTION_PATH}/", name="objection")
    @method_decorator(never_cache)
    def objection_route(self, request: HttpRequest):
        """异议: GET shows the form (``?entry=`` preselects a name), POST files while running."""
        form = None
        status = 200
        rate_limited = False
        if request.method == "POST" and self.is_running:
            if objections.rate_limited(request):
                rate_limited = True
                status = 429
                form = ObjectionForm(request.POST, page=self)
            else:
                form = ObjectionForm(request.POST, request.FILES, page=self)
                if form.is_valid():
                    data = form.cleaned_data
                    objection = objections.find_duplicate(
                        data["entry"], data["contact"], data["facts"]
                    )
                    if objection is None:  # the same objection again keeps its first receipt
                        objection = Objection.file(data)
                    objections.record_submission(request)  # a repeat still counts
                    return HttpResponseRedirect(
                        f"{self.objection_url(request)}?receipt={objection.confirmation_number}"
                    )
                status = 400
        elif request.method == "POST":
            status = 403
        if form is None:
            form = ObjectionForm(page=self, initial={"entry": request.GET.get("entry", "")})
        try:
            selected = int(form["entry"].value() or 0)
        except (TypeError, ValueError):
            selected = 0
        receipt = request.GET.get("receipt", "")
        if (
            receipt
            and not Objection.objects.filter(
                confirmation_number=receipt, entry__publicity=self
            ).exists()
        ):
            receipt = ""
        response = self.render(
            request,
            template="publicity/publicity_objection.html",
            context_overrides={
                "is_running": self.is_running,
                "entry_options": entry_options_html(self, selected),
                "objection_form": form,
                "rate_limited": rate_limited,
                "receipt": receipt,
                "objection_url": self.objection_url(request),
            },
        )
        response.status_code = status
        return response

    def public_notice(self):
        """The live notice that opened this publicity's round, if any."""
        if not self.notice_id:
            return None
        notice = self.notice
        return notice if notice.live else None

    def public_record(self) -> dict:
        """The public record of an ended publicity: counts and outcome, no names."""
        return {
            "page": self,
            "notice": self.public_notice(),
            "outcome": publicity_outcome(self),
            "listed_count": self.entries.count(),
            "approved_count": self.approved_entries().count(),
        }

    def objection_url(self, request: HttpRequest | None = None) -> str:
        """Where objections to this publicity are filed (``<page url>objection/``)."""
        return self.get_url(request) + self.reverse_subpage("objection")

    def with_content_json(self, content):
        """A revision never carries the go-live and take-down times: publishing an edit (or an
        old revision) keeps the recorded ones, so a gap cannot be healed nor a start moved."""
        page = super().with_content_json(content)
        page.went_live_at = self.went_live_at
        page.taken_down_at = self.taken_down_at
        return page

    def public_since(self) -> datetime.datetime | None:
        """When the names went public (pages published before this was recorded: first
        publish); None while they never were. See publicity.integrity."""
        if self.went_live_at:
            return self.went_live_at
        if self.live or self.expired:
            return self.first_published_at
        return None

    @cached_property
    def latest_correction(self):
        """The last recorded 更正 (the public page says the period was restarted)."""
        return self.corrections.order_by("-corrected_at", "-pk").first() if self.pk else None

    @cached_property
    def specialties(self) -> list[str]:
        return sorted(set(self.entries.values_list("specialty", flat=True)) - {""})


class PublicityEntry(PersonFields):
    """One name on a publicity list. The ID number is kept only as a keyed hash and a mask.

    The person fields come from ``website.people.PersonFields``; an entry differs where a
    roster does: gender and ID always known, series and specialty optional.
    """

    publicity = models.ForeignKey(
        PublicityPage, verbose_name="公示", on_delete=models.CASCADE, related_name="entries"
    )
    sort_order = models.PositiveIntegerField("序号", default=0)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices)
    ethnicity = models.CharField("族别", max_length=20, blank=True)
    series = models.CharField("系列", max_length=40, blank=True)
    specialty = models.CharField("专业", max_length=40, blank=True)
    qualification = models.CharField("资格名称", max_length=40, help_text="如 工程师")
    review_type = models.CharField(
        "评审类型", max_length=4, choices=ReviewType.choices, default=ReviewType.REVIEW
    )
    id_hash = models.CharField("身份证号摘要", max_length=64, editable=False)
    id_masked = models.CharField("身份证号（脱敏）", max_length=18, editable=False)
    excluded = models.BooleanField(
        "已排除", default=False, help_text="异议成立后排除，不进入审批文件。"
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("gender"),
        FieldPanel("unit"),
        FieldPanel("series"),
        FieldPanel("specialty"),
        FieldPanel("level"),
        FieldPanel("qualification"),
        FieldPanel("review_type"),
        # Set only by objection decisions (publicity.decisions.decide): never ticked by hand.
        FieldPanel("excluded", read_only=True),
    ]

    class Meta:
        verbose_name = verbose_name_plural = "公示名单"
        ordering = ["publicity", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["publicity", "id_hash"], name="unique_entry_per_publicity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"

    #: What the roster says about a person: locked once the publicity is public.
    ROSTER_FIELDS = (
        "name", "gender", "ethnicity", "unit", "series", "specialty", "level",
        "qualification", "review_type",
    )  # fmt: skip

    def printing_problems(self) -> list[str]:
        """Fields holding a character no PDF font has (the name must print on the approval
        document and the certificate)."""
        from website.pdf.fonts import unprintable

        return unprintable(
            [
                ("姓名", self.name),
                ("工作单位", self.unit),
                ("资格名称", self.qualification),
                ("系列", self.series),
                ("专业", self.specialty),
            ]
        )

    def clean(self):
        super().clean()
        problems = self.printing_problems()
        if problems:
            raise ValidationError("；".join(problems) + "。")
        self._refuse_change_once_public()

    def _refuse_change_once_public(self) -> None:
        if not self.pk or not self.publicity_id:
            return
        if self.publicity.public_since() is None:
            return
        stored = PublicityEntry.objects.filter(pk=self.pk).values(*self.ROSTER_FIELDS).first()
        if stored and any(stored[name] != getattr(self, name) for name in self.ROSTER_FIELDS):
            raise ValidationError(
                "公示已发布，名单已锁定，不能直接修改；请办理“更正”后重新导入名单"
                "（公示期自更正之日起重新计算）。"
            )

    @property
    def specialty_label(self) -> str:
        return "·".join(part for part in (self.series, self.specialty) if part)

    @property
    def filter_text(self) -> str:
        """What the page's filter box matches against (no ID data)."""
        return f"{self.name} {self.unit} {self.series} {self.specialty}".lower()


class ObjectionStatus(TermChoices):
    RECEIVED = "已收到"
    CHECKING = "核查中"
    UPHELD = "成立"
    REJECTED = "不成立"


def _confirmation_number() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
    stamp = workdays.today_in_shanghai().strftime("%Y%m%d")
    return f"YY{stamp}-" + "".join(secrets.choice(alphabet) for _ in range(6))


class Objection(models.Model):
    """异议: raised by anyone during a publicity about one entry."""

    OPEN_STATUSES = (ObjectionStatus.RECEIVED, ObjectionStatus.CHECKING)

    entry = models.ForeignKey(
        PublicityEntry, verbose_name="异议对象", on_delete=models.PROTECT, related_name="objections"
    )
    real_name = models.CharField("异议人姓名", max_length=40, blank=True)
    contact = models.CharField("异议人联系方式", max_length=120)
    facts = models.TextField("异议事实与理由")
    attachment = models.FileField(
        "证明材料",
        upload_to="objections/%Y/%m/",
        storage=private_storage,
        blank=True,
    )
    status = models.CharField(
        "处理状态", max_length=4, choices=ObjectionStatus.choices, default=ObjectionStatus.RECEIVED
    )
    notes = models.TextField("处理意见", blank=True)
    confirmation_number = models.CharField(
        "回执编号", max_length=20, unique=True, default=_confirmation_number, editable=False
    )
    created = models.DateTimeField("提交时间", auto_now_add=True)

    # The status changes only through a recorded decision (publicity.decisions.decide, the
    # 处理 view): an edit form cannot move it, nor reverse an upheld objection silently.
    panels = [
        FieldPanel("entry", read_only=True),
        FieldPanel("real_name", read_only=True),
        FieldPanel("contact", read_only=True),
        FieldPanel("facts", read_only=True),
        FieldPanel("status", read_only=True),
        FieldPanel("notes", read_only=True),
    ]

    class Meta:
        verbose_name = verbose_name_plural = "异议"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.confirmation_number} {self.entry.name}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_exclusion(self.entry)

    @property
    def publicity(self) -> PublicityPage:
        return self.entry.publicity

    @classmethod
    def file(cls, data: dict) -> Objection:
        """Store an objection from the public form's cleaned data; the authority is told
        after commit (a rolled-back objection sends no mail)."""
        objection = cls(
            entry=data["entry"],
            real_name=data.get("real_name", ""),
            contact=data["contact"].strip(),
            facts=data["facts"],
        )
        if data.get("attachment"):
            upload = data["attachment"]
            objection.attachment.save(upload.name, upload, save=False)
        objection.save()
        # Mailed by the task worker after the commit: the receipt never waits for (or fails
        # with) the mail server.
        transaction.on_commit(lambda: objections.enqueue_objection_notice(objection.pk))
        return objection


def update_exclusion(entry: PublicityEntry) -> None:
    """An entry is excluded exactly while one of its objections is upheld (成立)."""
    upheld = entry.objections.filter(status=ObjectionStatus.UPHELD).exists()
    if entry.excluded != upheld:
        entry.excluded = upheld
        entry.save(update_fields=["excluded"])


class ObjectionDecision(models.Model):
    """异议处理决定: a recorded change of an objection's status, from → to, by whom and why."""

    objection = models.ForeignKey(
        Objection, on_delete=models.CASCADE, related_name="decisions", verbose_name="异议"
    )
    from_status = models.CharField("原状态", max_length=4, choices=ObjectionStatus.choices)
    to_status = models.CharField("新状态", max_length=4, choices=ObjectionStatus.choices)
    reason = models.TextField("理由")
    decided_by = user_field("处理人", on_delete=models.PROTECT, optional=False)
    decided_at = models.DateTimeField("处理时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "异议处理决定"
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.objection.confirmation_number}：{self.from_status} → {self.to_status}"


class PublicityCorrection(models.Model):
    """更正: a recorded correction of a live publicity that restarts its full period."""

    page = models.ForeignKey(
        PublicityPage, on_delete=models.CASCADE, related_name="corrections", verbose_name="公示"
    )
    reason = models.TextField("更正原因")
    corrected_by = user_field("更正人", on_delete=models.PROTECT, optional=False)
    corrected_at = models.DateTimeField("更正时间", auto_now_add=True)
    old_start = models.DateField("原开始日期")
    old_end = models.DateField("原结束日期")
    new_start = models.DateField("新开始日期")
    new_end = models.DateField("新结束日期")

    class Meta:
        verbose_name = verbose_name_plural = "公示更正"
        ordering = ["-corrected_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.page.title} 更正（{cn_date(self.new_start)}至{cn_date(self.new_end)}）"
