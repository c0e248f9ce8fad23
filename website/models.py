"""The home page and the snippets every column shares: issuing authorities and series."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import ContactBlock
from .choices import region_field

# Help texts of Authority's fields that would not fit on their field's line.
DOCUMENT_NUMBER_FORMAT_HELP = (
    "文号格式，须含 〔{year}〕 与 {n}，例如 和地职称办〔{year}〕{n}号；签发时替换为年份与顺序号。"
)
SEAL_TEXT_HELP = "沿印章上弧排列的本机关名称；留空则用全称。评审委员会的印章写评审委员会的名称。"


class IntroPage(Page):
    """A page the site has one of, headed by an editable intro: the home page and each of its
    columns (通知公告, 资料下载, 公示, 审批文件)."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    max_count = 1

    class Meta:
        abstract = True


class HomePage(IntroPage):
    """首页: latest notices, open phases, running publicity and the entry points of each column."""

    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = verbose_name_plural = "首页"


def validate_document_number_format(value: str) -> None:
    """A number format must place the year in 〔〕 and the sequence number, e.g. 和地职称办〔{year}〕{n}号."""
    if "〔{year}〕" not in value:
        raise ValidationError("文号格式缺少年份占位符 〔{year}〕（注意使用六角括号〔〕）。")
    if "{n}" not in value:
        raise ValidationError("文号格式缺少顺序号占位符 {n}。")
    leftover = re.sub(r"\{year\}|\{n\}", "", value)
    if "{" in leftover or "}" in leftover:
        raise ValidationError("文号格式只能使用 {year} 和 {n} 两个占位符。")


class SealShape(models.TextChoices):
    ROUND = "round", "圆形（直径 42 毫米，中心五角星）"
    OVAL = "oval", "椭圆形（45 × 30 毫米，无五角星）"


class Authority(index.Indexed, models.Model):
    """发文机关: a bureau or review committee that issues notices, documents and certificates."""

    name = models.CharField("全称", max_length=120, unique=True)
    short_name = models.CharField("简称", max_length=40)
    slug = models.SlugField(
        "标识", max_length=60, unique=True, help_text="英文或拼音，用于命令行与网址"
    )
    # Both may stay empty: an authority created by the notice importer gets only what the
    # notice says, and the editor completes the rest (an empty region uses the national
    # calendar only; an empty format cannot number documents until it is filled in).
    region = region_field("所在地区", help_text="决定适用的地方节假日；留空时只按全国节假日计算")
    document_number_format = models.CharField(
        "文号格式",
        max_length=60,
        blank=True,
        validators=[validate_document_number_format],
        help_text=DOCUMENT_NUMBER_FORMAT_HELP,
    )
    seal_text = models.CharField("印章文字", max_length=120, blank=True, help_text=SEAL_TEXT_HELP)
    seal_purpose = models.CharField(
        "印章用途", max_length=20, blank=True, help_text="星下横排文字，如 职称评审专用章"
    )
    seal_shape = models.CharField(
        "印章形状", max_length=8, choices=SealShape.choices, default=SealShape.ROUND
    )
    contacts = StreamField([("contact", ContactBlock())], verbose_name="联系方式", blank=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("short_name"),
                FieldPanel("slug"),
                FieldPanel("region"),
            ],
            heading="机关",
        ),
        MultiFieldPanel(
            [
                FieldPanel("document_number_format"),
                FieldPanel("seal_text"),
                FieldPanel("seal_purpose"),
                FieldPanel("seal_shape"),
            ],
            heading="文号与印章",
        ),
        FieldPanel("contacts"),
    ]
    search_fields = [
        index.SearchField("name", boost=2),
        index.SearchField("short_name"),
        index.AutocompleteField("name"),
        index.FilterField("region"),
    ]

    class Meta:
        verbose_name = verbose_name_plural = "发文机关"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def seal_name(self) -> str:
        """The name on the seal: the seal text, or the full name when none is set."""
        return self.seal_text or self.name

    def clean(self):
        super().clean()
        errors = {}
        # The seal is the signer's own: a review committee's seal reads the committee's name,
        # never its parent bureau's (the issuer line and the seal must name the same body).
        if self.seal_text and self.name:
            if self.name not in self.seal_text and self.seal_text != self.short_name:
                errors["seal_text"] = (
                    "印章文字应为本机关的名称（全称、冠以地区名的全称或规范化简称），"
                    f"而“{self.seal_text}”不是“{self.name}”的名称；留空则使用全称。"
                )
        from website.pdf.fonts import MissingGlyphError, check_coverage

        for field_name, label in (("seal_text", "印章文字"), ("seal_purpose", "印章用途")):
            try:
                check_coverage(getattr(self, field_name) or "", label)
            except MissingGlyphError as error:
                errors.setdefault(field_name, str(error))
        if errors:
            raise ValidationError(errors)

    @property
    def document_number_prefix(self) -> str:
        """The part before 〔year〕, e.g. 和地职称办."""
        return self.document_number_format.split("〔", 1)[0]

    def format_document_number(self, year: int, number: int) -> str:
        """和地职称办〔2023〕1号 from the format, a year and a sequence number."""
        return self.document_number_format.replace("{year}", str(year)).replace("{n}", str(number))


class Series(index.Indexed, ClusterableModel):
    """系列 (工程系列, 经济系列 …) with its specialties (机械电子, 建材 …)."""

    name = models.CharField("系列", max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("sort_order"),
        InlinePanel("specialties", label="专业"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = verbose_name_plural = "系列"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Specialty(Orderable):
    """专业 within a series."""

    series = ParentalKey(Series, on_delete=models.CASCADE, related_name="specialties")
    name = models.CharField("专业", max_length=40)

    class Meta(Orderable.Meta):
        verbose_name = verbose_name_plural = "专业"
        constraints = [
            models.UniqueConstraint(fields=["series", "name"], name="unique_specialty_per_series")
        ]

    def __str__(self) -> str:
        return f"{self.series.name}·{self.name}"


# Per-authority roles live in their own module; imported here so Django finds the model.
from .roles import AuthorityRole  # noqa: E402, F401
