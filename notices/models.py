"""通知公告 and 资料下载: annual notices with their phases, fees, contacts and templates."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from website.choices import Level, TermChoices
from website.formatting import cn_date
from website.models import IntroPage
from website.roles import authority_field, link_field
from website.slugs import ReadableSlugFormMixin

from .blocks import TEMPLATE_BLOCKS, NoticeContactBlock, SectionBlock
from .timeline import phase_state

DOCUMENT_NUMBER_RE = re.compile(r"^\S{1,30}〔(\d{4})〕\d+号$")
NOTICES_PER_PAGE = 10


class PhaseKind(TermChoices):
    """时间安排中的阶段."""

    APPLY = "申报"
    CHECK = "审核"
    PAPER = "纸质材料报送"
    FEE = "缴费"
    DEFENCE = "答辩"
    REVIEW = "评审"
    PUBLICITY = "公示"
    ISSUE = "文件印发"
    CERTIFICATE = "证书签发"
    FILING = "事后备案"
    OTHER = "其他"


class FeeLevel(TermChoices):
    """评审费的级别: the levels a fee is charged by (高级 where a notice names no 正/副)."""

    SENIOR = "正高级"
    DEPUTY_SENIOR = "副高级"
    HIGH = "高级"
    INTERMEDIATE = "中级"
    JUNIOR = "初级"


def validate_document_number(value: str) -> None:
    """文号 such as 新经开人社〔2024〕12号: the year in 六角括号 〔〕, then the sequence number."""
    if value and not DOCUMENT_NUMBER_RE.match(value):
        raise ValidationError(
            "文号须写成“机关代字〔年份〕序号号”，例如 新经开人社〔2024〕12号；年份须用六角括号〔〕。"
        )


def filter_scope(notices, series: str = "", level: str = ""):
    """Notices whose scope covers a series and a level.

    A notice for 各系列 covers every series; one naming no level (as 各系列 notices often do)
    covers every level. A series id that is not a number or a level not in the list filters
    nothing (the form only offers valid ones; a hand-edited address must not fail).
    """
    if series.isdigit():
        notices = notices.filter(
            models.Q(series__id=int(series)) | models.Q(all_series=True)
        ).distinct()
    if level in Level.values:
        notices = notices.filter(models.Q(levels__contains=level) | models.Q(levels=""))
    return notices


class NoticeIndexPage(IntroPage):
    """通知公告: every notice, newest first, filterable by year, authority, series and level."""

    subpage_types = ["notices.NoticePage"]

    class Meta:
        verbose_name = verbose_name_plural = "通知公告栏目"

    def notices(self):
        """Live notices under this index, newest first, with what the list shows prefetched."""
        return (
            NoticePage.objects.live()
            .public()
            .child_of(self)
            .select_related("authority")
            .prefetch_related("series")
            .order_by("-review_year", models.F("issue_date").desc(nulls_last=True), "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        from website.models import Authority, Series

        context = super().get_context(request, *args, **kwargs)
        notices = self.notices()
        filters = {
            "year": request.GET.get("year", "").strip(),
            "authority": request.GET.get("authority", "").strip(),
            "series": request.GET.get("series", "").strip(),
            "level": request.GET.get("level", "").strip(),
        }
        if filters["year"].isdigit():
            notices = notices.filter(review_year=int(filters["year"]))
        if filters["authority"]:
            notices = notices.filter(authority__slug=filters["authority"])
        notices = filter_scope(notices, filters["series"], filters["level"])
        page_obj = Paginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            page_obj=page_obj,
            notices=page_obj.object_list,
            filters=filters,
            # Each drop-down's (value, text) pairs; values are strings, as the query's are.
            filter_options={
                "year": [
                    (str(year), f"{year}年度")
                    for year in NoticePage.objects.live()
                    .child_of(self)
                    .order_by("-review_year")
                    .values_list("review_year", flat=True)
                    .distinct()
                ],
                "authority": [
                    (authority.slug, authority.short_name)
                    for authority in Authority.objects.filter(notices__isnull=False).distinct()
                ],
                "series": [(str(series.pk), series.name) for series in Series.objects.all()],
                "level": Level.choices,
            },
        )
        return context


class NoticePageForm(ReadableSlugFormMixin, WagtailAdminPageForm):
    """Levels are stored as text (初级,中级) but edited as checkboxes; a new notice's address
    reads 2025-toutunhe-zhicheng-pingshen (website.slugs)."""

    def slug_year(self):
        return self.cleaned_data.get("review_year")

    levels = forms.MultipleChoiceField(
        label="级别", choices=Level.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.levels:
            self.initial["levels"] = self.instance.level_list

    def clean_levels(self):
        chosen = self.cleaned_data.get("levels") or []
        return ",".join(level for level in Level.values if level in chosen)

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("document_number")
        year = cleaned.get("review_year")
        match = DOCUMENT_NUMBER_RE.match(number or "")
        if match and year and int(match.group(1)) not in (year, year - 1, year + 1):
            self.add_error(
                "document_number", f"文号中的年份 {match.group(1)} 与评审年度 {year} 不符。"
            )
        if number:
            # One 文号 is one notice: a second page with it is a duplicate import or a typo.
            others = NoticePage.objects.filter(document_number=number)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk).exclude(alias_of=self.instance.pk)
                if self.instance.alias_of_id:
                    others = others.exclude(pk=self.instance.alias_of_id)
            other = others.first()
            if other is not None:
                self.add_error(
                    "document_number",
                    f"文号“{number}”已被通知“{other.title}”使用，同一文号不能有两篇通知。",
                )
        return cleaned


class NoticePage(Page):
    """评审通知: an annual notice opening a review round."""

    review_year = models.PositiveSmallIntegerField("评审年度")
    authority = authority_field("notices")
    document_number = models.CharField(
        "文号", max_length=60, blank=True, validators=[validate_document_number],
        help_text="如 新经开人社〔2024〕12号，没有可留空",
    )  # fmt: skip
    addressees = models.CharField("主送", max_length=255, blank=True, help_text="如 区属各企业")
    issue_date = models.DateField("成文日期", null=True, blank=True)
    series = ParentalManyToManyField("website.Series", blank=True, verbose_name="系列")
    all_series = models.BooleanField(
        "面向各系列",
        default=False,
        help_text="通知面向各系列（专业）时勾选，按任一系列筛选都能找到",
    )
    levels = models.CharField("级别", max_length=60, blank=True)
    summary = models.TextField("导语", blank=True, help_text="正文前的引言，也用于列表与订阅")
    body = StreamField([("section", SectionBlock())], verbose_name="正文", blank=True)
    contacts = StreamField([("contact", NoticeContactBlock())], verbose_name="联系方式", blank=True)

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("document_number"),
        # The admin page search uses autocomplete: without this field it never saw the 文号.
        index.AutocompleteField("document_number"),
        index.SearchField("addressees"),
        index.FilterField("review_year"),
        index.FilterField("authority_id"),
        index.FilterField("issue_date"),
    ]

    base_form_class = NoticePageForm
    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("review_year"), FieldPanel("issue_date")]),
                FieldPanel("authority"),
                FieldPanel("document_number"),
                FieldPanel("addressees"),
                FieldPanel("all_series"),
                FieldPanel("series", widget=forms.CheckboxSelectMultiple),
                FieldPanel("levels"),
            ],
            heading="发文信息",
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("phases", label="时间安排", heading="时间安排"),
        InlinePanel("fees", label="评审费", heading="评审费"),
        FieldPanel("contacts"),
        InlinePanel("attachments", label="附件", heading="附件"),
    ]
    parent_page_types = ["notices.NoticeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = verbose_name_plural = "评审通知"

    @property
    def level_list(self) -> list[str]:
        return [level for level in self.levels.split(",") if level]

    def date_label(self) -> str:
        """The notice's own date as a visitor should read it: its 成文日期, or its year when the
        notice carries no date (never the day it happened to be loaded into the site)."""
        if self.issue_date:
            return f"成文日期 {cn_date(self.issue_date)}"
        return f"{self.review_year}年度（未注明成文日期）"

    def plain_text(self) -> str:
        """The words of the notice (导语, headings, paragraphs), for snippets and e-mails."""
        parts = [self.summary]
        for section in self.body:
            parts.append(section.value["heading"])
            for child in section.value["content"]:
                value = child.value
                parts.append(value["text"] if child.block_type == "item" else str(value))
        return " ".join(part for part in parts if part)

    def timeline(self, today=None) -> list[dict]:
        """Phases with their state on `today` (default: today in Asia/Shanghai)."""
        today = today or timezone.localdate()
        return [
            {
                "phase": phase,
                "state": phase_state(
                    phase.start_date, phase.end_date, phase.to_be_announced, today
                ),
            }
            for phase in self.phases.all()
        ]

    def last_known_date(self):
        """The latest date of the round the notice itself gives (phases, else its own date)."""
        dates = [d for phase in self.phases.all() for d in (phase.start_date, phase.end_date) if d]
        return max(dates) if dates else self.issue_date

    def round_state(self, today=None) -> dict:
        """What followed the notice (publicities, documents) and whether its round is over."""
        from .rounds import round_items, round_over

        today = today or timezone.localdate()
        items = round_items(self)
        states = [item["state"].status for item in self.timeline(today)]
        over = round_over(states, self.last_known_date(), today, any(i.final for i in items))
        return {"items": items, "over": over}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["today"] = timezone.localdate()
        context["timeline"] = self.timeline(context["today"])
        context["round"] = self.round_state(context["today"])
        context["attachment_list"] = list(
            self.attachments.select_related("template_page", "document").all()
        )
        return context


class NoticePhase(Orderable):
    """时间安排: one phase of a notice, dated, or 另行通知."""

    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField("阶段", max_length=10, choices=PhaseKind.choices)
    label = models.CharField(
        "名称", max_length=60, blank=True, help_text="如 网上申报；留空则用阶段名"
    )
    start_date = models.DateField("开始日期", null=True, blank=True)
    end_date = models.DateField("截止日期", null=True, blank=True, help_text="单日安排可留空")
    to_be_announced = models.BooleanField("另行通知", default=False)
    note = models.CharField("说明", max_length=500, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("label")]),
        FieldRowPanel(
            [FieldPanel("start_date"), FieldPanel("end_date"), FieldPanel("to_be_announced")]
        ),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = verbose_name_plural = "时间安排"

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return self.label or self.kind

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "截止日期早于开始日期，请检查。"})
        if self.to_be_announced and (self.start_date or self.end_date):
            raise ValidationError({"to_be_announced": "已选择“另行通知”的阶段不能同时填写日期。"})


class NoticeFee(Orderable):
    """评审费 per level."""

    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="fees")
    level = models.CharField("级别", max_length=10, choices=FeeLevel.choices)
    amount = models.DecimalField(
        "金额（元/人）",
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), "评审费须为大于 0 的金额。")],
    )
    note = models.CharField("说明", max_length=120, blank=True, help_text="如 职称评审费、初次确定")

    panels = [FieldRowPanel([FieldPanel("level"), FieldPanel("amount"), FieldPanel("note")])]

    class Meta(Orderable.Meta):
        verbose_name = verbose_name_plural = "评审费"

    def __str__(self) -> str:
        return f"{self.level} {self.amount_display} 元"

    @property
    def amount_display(self) -> str:
        return f"{self.amount.normalize():f}" if self.amount is not None else ""


class NoticeAttachment(Orderable):
    """附件 N: a template page, an uploaded document, or just its name until one is supplied."""

    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField("附件名称", max_length=200)
    template_page = link_field("notices.TemplatePage", "模板页面")
    document = link_field("wagtaildocs.Document", "文档")

    panels = [FieldPanel("title"), FieldPanel("template_page"), FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.title


class TemplateIndexPage(IntroPage):
    """资料下载: the templates applicants fill in."""

    subpage_types = ["notices.TemplatePage"]

    class Meta:
        verbose_name = verbose_name_plural = "资料下载栏目"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["templates"] = (
            TemplatePage.objects.live().public().child_of(self).select_related("original_document")
            .order_by("-first_published_at", "title")
        )  # fmt: skip
        return context


class TemplatePage(Page):
    """附件模板: readable online, downloadable as PDF and DOCX (and XLSX for rosters)."""

    summary = models.TextField("说明", blank=True)
    body = StreamField(TEMPLATE_BLOCKS, verbose_name="模板内容", blank=True)
    offer_xlsx = models.BooleanField(
        "同时提供 Excel 表格", default=False, help_text="花名册等表格类模板可勾选"
    )
    original_document = link_field(
        "wagtaildocs.Document", "原始文件", help_text="编辑上传的原件，与生成的文件一并提供"
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("offer_xlsx"),
        FieldPanel("original_document"),
    ]
    parent_page_types = ["notices.TemplateIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = verbose_name_plural = "附件模板"

    @property
    def has_content(self) -> bool:
        return bool(self.body)

    def source_notice(self) -> NoticePage | None:
        """The live notice this template is an attachment of, if any (the latest review
        year's); loaded with ``load_source_notices`` when that ran."""
        if "_source_notice" in self.__dict__:
            return self._source_notice
        attachment = (
            NoticeAttachment.objects.filter(template_page=self, page__live=True)
            .select_related("page")
            .order_by("-page__review_year", "pk")
            .first()
        )
        return attachment.page if attachment else None

    @staticmethod
    def load_source_notices(templates: list[TemplatePage]) -> None:
        """``source_notice()`` of several templates in two queries (a search result page): which
        notice each one's is, then those notices only (a template attached to every year's
        notice would otherwise load them all)."""
        chosen: dict[int, int] = {}
        for template_id, notice_id in (
            NoticeAttachment.objects.filter(template_page__in=templates, page__live=True)
            .order_by("-page__review_year", "pk")
            .values_list("template_page_id", "page_id")
        ):
            chosen.setdefault(template_id, notice_id)
        notices = NoticePage.objects.in_bulk(set(chosen.values()))
        for template in templates:
            template._source_notice = notices.get(chosen.get(template.pk))

    def date_label(self) -> str | None:
        notice = self.source_notice()
        return f"通知附件，{notice.date_label()}" if notice else None

    def plain_text(self) -> str:
        """The words of the template: text, and the labels of its tables (never the |s and
        empty cells that store them)."""
        from .blocks import table_data

        parts = [self.summary]
        for block in self.body:
            if block.block_type == "table":
                header, rows = table_data(block.value)
                parts += [cell for cell in header + [c for row in rows for c in row] if cell]
            else:
                parts.append(str(block.value))
        return " ".join(part for part in parts if part)

    def formats(self) -> list[str]:
        """The generated formats offered for download."""
        if not self.body:
            return []
        return ["pdf", "docx"] + (["xlsx"] if self.offer_xlsx else [])

    def downloads(self) -> list[dict]:
        """Generated files (format, url, size) then the original document if any."""
        from .downloads import download_info

        items = [download_info(self, fmt) for fmt in self.formats()]
        if self.original_document_id:
            document = self.original_document
            items.append(
                {
                    "format": document.file_extension.upper(),
                    "url": document.url,
                    "size": document.get_file_size(),
                    "label": "原件",
                }
            )
        return items


def notices_with_phases_prefetch():
    """Prefetch used by lists showing each notice's phases."""
    return Prefetch("phases", queryset=NoticePhase.objects.order_by("sort_order"))
