"""Approval documents (任职资格审批文件), the persons they approve, and e-certificates.

Issuing (see ``approvals.issuing``) moves a document draft → issuing → issued; numbers come from
``DocumentCounter`` rows locked inside the issuing transaction, so no number is used twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import RegexValidator
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from website.choices import Level

__all__ = [
    "ApprovalDocument",
    "ApprovalIndexPage",
    "ApprovedPerson",
    "Certificate",
    "CertificateStatus",
    "DocumentCounter",
    "DocumentStatus",
    "Gender",
    "PUBLIC_DOCUMENT_STATUSES",
    "ReviewType",
    "private_storage",
]


def private_storage():
    """Certificates and photos are personal data: the private storage, never served directly."""
    return storages["private"]


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class ReviewType(models.TextChoices):
    """取得资格的方式."""

    REVIEW = "评审", "评审"
    INITIAL = "初定", "初定"
    GRANT = "授予", "授予"
    TRANSFER = "转评", "转评"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    # Numbers are allocated and certificates are being produced; not public yet. A failed or
    # killed run stays here and the next run resumes it (see approvals.issuing).
    ISSUING = "issuing", "签发中"
    ISSUED = "issued", "已签发"
    SUPERSEDED = "superseded", "已被替代"


PUBLIC_DOCUMENT_STATUSES = (DocumentStatus.ISSUED, DocumentStatus.SUPERSEDED)


class DocumentCounter(models.Model):
    """文号与证书编号分配器: the last number used per authority, year and kind.

    ``approvals.numbers.allocate`` locks the row with ``select_for_update()`` inside the issuing
    transaction: concurrent issuers queue on the row lock, so a number is never used twice and a
    rolled-back transaction gives its numbers back.
    """

    class Kind(models.TextChoices):
        DOCUMENT = "document", "审批文件文号"
        CERTIFICATE = "certificate", "证书编号"

    authority = models.ForeignKey(
        "website.Authority", on_delete=models.PROTECT, related_name="+", verbose_name="发文机关"
    )
    year = models.PositiveSmallIntegerField("年份")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    last = models.PositiveIntegerField("已用最大号", default=0)

    class Meta:
        verbose_name = "编号计数器"
        verbose_name_plural = "编号计数器"
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year", "kind"], name="unique_counter_per_authority_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.year} {self.get_kind_display()}：{self.last}"


class ApprovalDocument(index.Indexed, ClusterableModel):
    """任职资格审批文件: a red-header document listing who obtained which qualification.

    Editable while a draft; issuing gives it a number (e.g. 新经开人社〔2024〕3号), a signed PDF and
    one ``Certificate`` per person, after which it never changes. A correction is a new document
    whose ``supersedes`` points at the old one.
    """

    authority = models.ForeignKey(
        "website.Authority",
        on_delete=models.PROTECT,
        related_name="approval_documents",
        verbose_name="发文机关",
    )
    title = models.CharField("标题", max_length=200)
    addressees = models.CharField("主送", max_length=200, blank=True, help_text="如 区属各企业")
    review_committee = models.CharField(
        "评审组织",
        max_length=150,
        blank=True,
        help_text="印在证书上的评审委员会；留空则用发文机关名称",
    )
    body = models.TextField("正文", help_text="段落之间空一行；人员名单由系统附在正文之后。")
    date = models.DateField("成文日期")
    status = models.CharField(
        "状态", max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    number = models.CharField("文号", max_length=60, unique=True, null=True, blank=True)
    year = models.PositiveSmallIntegerField("文号年份", null=True, blank=True)
    sequence = models.PositiveIntegerField("文号顺序号", null=True, blank=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name="替代文件",
        help_text="本文件更正并替代的已签发文件",
    )
    source_publicity = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="来源公示",
    )
    pdf = models.FileField("PDF 文件", upload_to="approvals/documents/", blank=True)
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField("PDF 大小（字节）", null=True, blank=True)
    signing_key = models.ForeignKey(
        "approvals.SigningKey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approval_documents",
        verbose_name="签章密钥",
    )
    summary = models.TextField("摘要", blank=True, help_text="签发时生成，显示在公开页面")
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="签发人",
    )
    progress_done = models.PositiveIntegerField("已生成证书", default=0)
    progress_total = models.PositiveIntegerField("证书总数", default=0)
    issue_error = models.TextField("签发错误", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    # The admin form is approvals.panels.DOCUMENT_PANELS (the viewset's edit handler).

    # Site search (website.search): a document number, title words, a person's name or unit
    # find the document. Only public (issued or superseded) documents enter the index, see
    # get_indexed_objects; issuing's final save indexes the complete document.
    search_fields = [
        index.SearchField("number", boost=4),
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.SearchField("body"),
        index.SearchField("addressees"),
        index.SearchField("search_persons"),
        index.FilterField("status"),
        index.FilterField("year"),
        index.FilterField("authority"),
    ]

    class Meta:
        verbose_name = "任职资格审批文件"
        verbose_name_plural = "任职资格审批文件"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self) -> str:
        return f"{self.number}：{self.title}" if self.number else f"（草稿）{self.title}"

    @classmethod
    def get_indexed_objects(cls):
        """Drafts (and their persons' names) never enter the search index."""
        return super().get_indexed_objects().filter(status__in=PUBLIC_DOCUMENT_STATUSES)

    def search_persons(self) -> str:
        """The approved persons' names, units and certificate numbers, one "姓名 单位 编号" per
        line, for the index: a holder finds the document by their certificate number."""
        rows = ApprovedPerson.objects.filter(document_id=self.pk).order_by("sort_order", "pk")
        rows = rows.values_list("name", "unit", "certificate_number")
        return "\n".join(
            " ".join(part for part in (name, unit, number or "") if part)
            for name, unit, number in rows
        )

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_DOCUMENT_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status == DocumentStatus.DRAFT

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)

    def clean(self):
        super().clean()
        if self.supersedes_id and self.supersedes_id == self.pk:
            raise ValidationError({"supersedes": "文件不能替代自身。"})
        if self.supersedes_id and self.supersedes.status != DocumentStatus.ISSUED:
            raise ValidationError({"supersedes": "只能替代已签发的文件。"})


birth_month_validator = RegexValidator(
    r"^(19|20)\d\d-(0[1-9]|1[0-2])$", "出生年月格式为 YYYY-MM，例如 1985-06。"
)


class ApprovedPerson(Orderable):
    """One row of a document's list: a person and the qualification obtained.

    ID numbers are never stored in clear: ``id_hash`` is the publicity app's keyed hash of the
    whole number and ``id_masked`` its masked form (650102********123X). The masked form hides
    exactly the birth date, so ``approvals.identity`` checks a download's last six characters
    against ``id_hash`` by trying the few dates consistent with ``birth_month``.
    """

    document = ParentalKey(ApprovalDocument, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices, blank=True)
    birth_month = models.CharField(
        "出生年月", max_length=7, blank=True, validators=[birth_month_validator]
    )
    unit = models.CharField("工作单位", max_length=150)
    series = models.CharField("系列", max_length=40)
    specialty = models.CharField("专业", max_length=40)
    qualification = models.CharField("资格名称", max_length=40, help_text="如 工程师、高级工程师")
    level = models.CharField("级别", max_length=6, choices=Level.choices)
    review_type = models.CharField(
        "取得方式", max_length=4, choices=ReviewType.choices, default=ReviewType.REVIEW
    )
    id_hash = models.CharField("身份证号哈希", max_length=64, blank=True, editable=False)
    id_masked = models.CharField("身份证号（脱敏）", max_length=24, blank=True, editable=False)
    photo = models.ImageField(
        "照片", upload_to="approvals/photos/", storage=private_storage, blank=True
    )
    certificate_number = models.CharField(
        "证书编号", max_length=40, unique=True, null=True, blank=True, editable=False
    )

    # Edited inline through approvals.panels.PERSON_PANELS (with the ID-number field).

    class Meta(Orderable.Meta):
        verbose_name = "通过人员"
        verbose_name_plural = "通过人员"

    def __str__(self) -> str:
        return f"{self.name}（{self.qualification}）"


class CertificateStatus(models.TextChoices):
    VALID = "valid", "有效"
    REVOKED = "revoked", "已撤销"


class CertificateQuerySet(models.QuerySet):
    def public(self):
        """Certificates whose document has been issued: the only ones verification knows."""
        return self.filter(document__status__in=PUBLIC_DOCUMENT_STATUSES)


class Certificate(models.Model):
    """职称电子证书: one person's signed PDF certificate.

    Number format: ``<AUTHORITY SLUG IN CAPITALS>-<year>-<six-digit sequence>``, e.g.
    ``TOUTUNHE-2024-000127``; the sequence counts per authority and year, and a document's
    certificates get one contiguous block of numbers. The PDF lives in the private storage and is
    served only through the download check (number + name + last six ID characters).
    """

    number = models.CharField("证书编号", max_length=40, unique=True)
    document = models.ForeignKey(
        ApprovalDocument,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name="审批文件",
    )
    person = models.OneToOneField(
        ApprovedPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificate",
        verbose_name="名单行",
    )
    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=2, blank=True)
    birth_month = models.CharField("出生年月", max_length=7, blank=True)
    id_masked = models.CharField("身份证号（脱敏）", max_length=24, blank=True)
    id_hash = models.CharField("身份证号哈希", max_length=64, blank=True)
    unit = models.CharField("工作单位", max_length=150, blank=True)
    series = models.CharField("系列", max_length=40)
    specialty = models.CharField("专业", max_length=40)
    qualification = models.CharField("资格名称", max_length=40)
    level = models.CharField("级别", max_length=6, choices=Level.choices)
    review_type = models.CharField("取得方式", max_length=4, blank=True)
    date = models.DateField("取得资格时间")
    photo = models.ImageField(
        "照片", upload_to="approvals/photos/", storage=private_storage, blank=True
    )
    pdf = models.FileField("证书 PDF", upload_to="approvals/certificates/", storage=private_storage)
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64)
    pdf_size = models.PositiveIntegerField("PDF 大小（字节）", default=0)
    token = models.TextField("二维码令牌", blank=True)
    signing_key = models.ForeignKey(
        "approvals.SigningKey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name="签章密钥",
    )
    status = models.CharField(
        "状态", max_length=8, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_reason = models.TextField("撤销原因", blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="撤销人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = "职称电子证书"
        verbose_name_plural = "职称电子证书"
        ordering = ["-created_at", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def is_revoked(self) -> bool:
        return self.status == CertificateStatus.REVOKED


class ApprovalIndexPage(Page):
    """任职资格审批文件: issued documents, filterable by year and authority."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    per_page = 20

    class Meta:
        verbose_name = "审批文件栏目"
        verbose_name_plural = "审批文件栏目"

    def get_context(self, request, *args, **kwargs):
        from website.models import Authority

        context = super().get_context(request, *args, **kwargs)
        documents = (
            ApprovalDocument.objects.filter(status__in=PUBLIC_DOCUMENT_STATUSES)
            .select_related("authority", "supersedes")
            .order_by("-date", "-year", "-sequence")
        )
        years = sorted(
            {y for y in documents.values_list("year", flat=True) if y is not None}, reverse=True
        )
        authorities = Authority.objects.filter(
            approval_documents__status__in=PUBLIC_DOCUMENT_STATUSES
        ).distinct()
        year = request.GET.get("year", "")
        authority = request.GET.get("authority", "")
        if year.isdigit():
            documents = documents.filter(year=int(year))
        if authority:
            documents = documents.filter(authority__slug=authority)
        paginator = Paginator(documents, self.per_page)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except (EmptyPage, PageNotAnInteger):
            page_obj = paginator.page(1)
        query = "&".join(
            f"{key}={value}" for key, value in (("year", year), ("authority", authority)) if value
        )
        certificate_query = request.GET.get("certificate", "").strip().upper()[:40]
        certificate_match = None
        if certificate_query:
            certificate_match = (
                Certificate.objects.public()
                .select_related("document", "document__authority")
                .filter(number=certificate_query)
                .first()
            )
        context.update(
            documents=page_obj.object_list,
            page_obj=page_obj,
            years=years,
            authorities=authorities,
            selected_year=year,
            selected_authority=authority,
            querystring_base=f"{query}&" if query else "",
            certificate_query=certificate_query,
            certificate_match=certificate_match,
        )
        return context
