"""Approval documents (任职资格审批文件) and the persons they approve.

Issuing (see ``approvals.issuing.issue``) moves a document draft → issuing → issued; numbers come from
``DocumentCounter`` rows locked inside the issuing transaction, so no number is used twice.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable
from wagtail.search import index

from approvals.models.keys import signed_with
from pagecache import kept_until_content_changes
from website.people import PersonFields
from website.roles import authority_field, link_field, user_field
from website.storage import private_storage

__all__ = [
    "ApprovalDocument",
    "ApprovalDocumentQuerySet",
    "ApprovedPerson",
    "DocumentCounter",
    "DocumentStatus",
    "PUBLIC_DOCUMENT_STATUSES",
    "private_storage",
]


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    # Submitted by its preparer (经办); a second person with 签发 rights for the authority
    # approves (→ issuing) or rejects it (→ draft, with a reason). See approvals.issuing.process.
    SUBMITTED = "submitted", "待签发"
    # Numbers are allocated and certificates are being produced; not public yet. A failed or
    # killed run stays here and the next run resumes it (see approvals.issuing.issue).
    ISSUING = "issuing", "签发中"
    ISSUED = "issued", "已签发"
    SUPERSEDED = "superseded", "已被替代"


PUBLIC_DOCUMENT_STATUSES = (DocumentStatus.ISSUED, DocumentStatus.SUPERSEDED)
#: Order of the public /approvals/ listing: newest first (ApprovalDocument.get_absolute_url
#: counts the entries before a document in this order).
LISTING_ORDER = ("-date", "-year", "-sequence")


class DocumentCounter(models.Model):
    """文号与证书编号分配器: the last number used per authority, year and kind.

    ``approvals.issuing.numbers.allocate`` locks the row with ``select_for_update()`` inside the issuing
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
        verbose_name = verbose_name_plural = "编号计数器"
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year", "kind"], name="unique_counter_per_authority_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.year} {self.get_kind_display()}：{self.last}"


class ApprovalDocumentQuerySet(models.QuerySet):
    def public(self):
        """Issued documents and those superseded by a correction: what visitors may see."""
        return self.filter(status__in=PUBLIC_DOCUMENT_STATUSES)


def listing_page() -> tuple[str, int] | None:
    """The URL and page size of the public /approvals/ listing (the first live, public
    ApprovalIndexPage), or None. Every search result of a document links into it, so it is
    looked up once and kept until the site's content changes."""

    def find() -> tuple[str, int] | None:
        # By name, not import: the listing page's module imports this one.
        index_page_model = apps.get_model("approvals", "ApprovalIndexPage")
        page = index_page_model.objects.live().public().first()
        return None if page is None else (page.url, page.per_page)

    return kept_until_content_changes("approvals:listing_page", find)


class ApprovalDocument(index.Indexed, ClusterableModel):
    """任职资格审批文件: a red-header document listing who obtained which qualification.

    Editable while a draft; issuing gives it a number (e.g. 新经开人社〔2024〕3号), a signed PDF and
    one ``Certificate`` per person, after which it never changes. A correction is a new document
    whose ``supersedes`` points at the old one.
    """

    authority = authority_field("approval_documents")
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
    supersedes = link_field(
        "self",
        "替代文件",
        on_delete=models.PROTECT,
        related_name="superseded_by",
        help_text="本文件更正并替代的已签发文件",
    )
    source_publicity = link_field("wagtailcore.Page", "来源公示")
    pdf = models.FileField("PDF 文件", upload_to="approvals/documents/", blank=True)
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField("PDF 大小（字节）", null=True, blank=True)
    signing_key = signed_with("approval_documents")
    summary = models.TextField("摘要", blank=True, help_text="签发时生成，显示在公开页面")
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)
    issued_by = user_field("签发人")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, editable=False)
    submitted_by = user_field("提交人", editable=False)
    rejection_reason = models.TextField("退回原因", blank=True, editable=False)
    progress_done = models.PositiveIntegerField("已生成证书", default=0)
    progress_total = models.PositiveIntegerField("证书总数", default=0)
    issue_error = models.TextField("签发错误", blank=True)
    # The issuing lease: the run that holds it beats after every batch. A heartbeat older than
    # APPROVALS_ISSUING_STALE_MINUTES means its worker died; `resume_issuing` (scheduler) then
    # takes the lease over and finishes the issuance (see approvals.issuing.lease).
    issuing_lease_owner = models.CharField("签发进程", max_length=120, blank=True, editable=False)
    issuing_heartbeat_at = models.DateTimeField("签发心跳", null=True, blank=True, editable=False)
    issuing_resumed_at = models.DateTimeField("自动恢复时间", null=True, blank=True, editable=False)
    issuing_resume_count = models.PositiveSmallIntegerField(
        "自动恢复次数", default=0, editable=False
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    # The admin form is approvals.admin.panels.DOCUMENT_PANELS (the viewset's edit handler).

    # Site search (the search app): a document number, title words, a person's name or unit
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

    objects = ApprovalDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "任职资格审批文件"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self) -> str:
        return f"{self.number}：{self.title}" if self.number else f"（草稿）{self.title}"

    @classmethod
    def get_indexed_objects(cls):
        """Drafts (and their persons' names) never enter the search index."""
        return super().get_indexed_objects().public()

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

    def get_absolute_url(self) -> str | None:
        """The document's entry on the public /approvals/ listing: filtered to its year and
        authority, on the page of the listing that holds it. None for a document that is not
        public, or when no listing page is live."""
        if not self.is_public:
            return None
        listing = listing_page()
        if listing is None:
            return None
        listing_url, per_page = listing
        listed = ApprovalDocument.objects.filter(
            status__in=PUBLIC_DOCUMENT_STATUSES, year=self.year, authority=self.authority_id
        )
        # LISTING_ORDER is -date, -year, -sequence: count the entries before this one.
        before = listed.filter(
            models.Q(date__gt=self.date)
            | models.Q(date=self.date, year__gt=self.year)
            | models.Q(date=self.date, year=self.year, sequence__gt=self.sequence)
        ).count()
        page_number = before // per_page + 1
        params = {"year": self.year, "authority": self.authority.slug}
        if page_number > 1:
            params["page"] = page_number
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return f"{listing_url}?{query}#doc-{self.pk}"

    @property
    def issuing_state_label(self) -> str:
        """The admin's status line: an issuance that was interrupted and resumed says so."""
        label = self.get_status_display()
        if self.issuing_resume_count:
            return f"{label}（中断，已自动恢复）"
        return label

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


class ApprovedPerson(PersonFields, Orderable):
    """One row of a document's list: a person and the qualification obtained.

    The person fields come from ``website.people.PersonFields``. ID numbers are never stored in
    clear: ``id_hash`` is the keyed hash of the whole number and ``id_masked`` its masked form
    (650102********123X); no birth data beside them. The masked form hides exactly the birth
    date, so issuing works the whole number back from the hash
    (``website.identity.full_number``) to print it on the holder's own certificate.
    """

    document = ParentalKey(ApprovalDocument, on_delete=models.CASCADE, related_name="persons")
    photo = models.ImageField(
        "照片", upload_to="approvals/photos/", storage=private_storage, blank=True
    )
    certificate_number = models.CharField(
        "证书编号", max_length=40, unique=True, null=True, blank=True, editable=False
    )
    # A second valid certificate for the same qualification and level is refused unless a
    # person with 签发 rights records why it is right (approvals.issuing.process).
    duplicate_override_reason = models.TextField("重复发证理由", blank=True, editable=False)
    duplicate_override_by = user_field("重复发证确认人", editable=False)
    duplicate_override_at = models.DateTimeField(
        "重复发证确认时间", null=True, blank=True, editable=False
    )

    # Edited inline through approvals.admin.panels.PERSON_PANELS (with the ID-number field).

    class Meta(Orderable.Meta):
        verbose_name = verbose_name_plural = "通过人员"

    def __str__(self) -> str:
        return f"{self.name}（{self.qualification}）"
