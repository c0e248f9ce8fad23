"""The public listing page of issued approval documents (任职资格审批文件)."""

from __future__ import annotations

from django.core.paginator import Paginator

from approvals.models.certificates import Certificate
from approvals.models.documents import LISTING_ORDER, ApprovalDocument
from website.models import IntroPage

__all__ = ["ApprovalIndexPage"]


class ApprovalIndexPage(IntroPage):
    """任职资格审批文件: issued documents, filterable by year and authority."""

    subpage_types: list[str] = []
    per_page = 20

    class Meta:
        verbose_name = verbose_name_plural = "审批文件栏目"

    def get_context(self, request, *args, **kwargs):
        from website.models import Authority

        context = super().get_context(request, *args, **kwargs)
        documents = (
            ApprovalDocument.objects.public()
            .select_related("authority", "supersedes")
            .order_by(*LISTING_ORDER)
        )
        years = sorted(
            {y for y in documents.values_list("year", flat=True) if y is not None}, reverse=True
        )
        authorities = Authority.objects.filter(
            approval_documents__in=ApprovalDocument.objects.public()
        ).distinct()
        year = request.GET.get("year", "")
        authority = request.GET.get("authority", "")
        if year.isdigit():
            documents = documents.filter(year=int(year))
        if authority:
            documents = documents.filter(authority__slug=authority)
        page_obj = Paginator(documents, self.per_page).get_page(request.GET.get("page"))
        # 证书编号 look-up: an issued certificate's number leads to its document (drafts never).
        certificate_query = request.GET.get("certificate", "").strip().upper()[:40]
        certificate_match = None
        if certificate_query:
            certificate_match = (
                Certificate.objects.public()
                .select_related("document", "document__authority")
                .filter(number=certificate_query)
                .first()
            )
        documents = list(page_obj.object_list)
        sources = document_sources(documents)
        for document in documents:
            document.round_source = sources.get(document.pk)
        context.update(
            documents=documents,
            page_obj=page_obj,
            years=years,
            authorities=authorities,
            filter_options={
                "year": [(str(y), f"{y}年") for y in years],
                "authority": [(a.slug, a.short_name) for a in authorities],
            },
            selected_year=year,
            selected_authority=authority,
            certificate_query=certificate_query,
            certificate_match=certificate_match,
        )
        return context


def document_sources(documents) -> dict[int, dict]:
    """document pk → {"publicity": page, "notice": page}: where each listed document came from
    (its publicity, ended or not, and the notice that opened the round), two queries in all."""
    from publicity.models import PublicityPage

    ids = {d.source_publicity_id for d in documents if d.source_publicity_id}
    publicities = {
        p.pk: p
        for p in PublicityPage.objects.filter(pk__in=ids).select_related("notice")
        if p.live or p.expired
    }
    sources = {}
    for document in documents:
        publicity = publicities.get(document.source_publicity_id)
        if publicity is None:
            continue
        notice = publicity.notice if publicity.notice and publicity.notice.live else None
        sources[document.pk] = {"publicity": publicity, "notice": notice}
    return sources
