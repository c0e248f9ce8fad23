"""Template tags of the approvals column (home page section)."""

from django import template

from approvals.models import ApprovalDocument, ApprovalIndexPage, DocumentStatus

register = template.Library()


@register.inclusion_tag("approvals/includes/home_section_inner.html", takes_context=True)
def approvals_home_section(context, limit: int = 5):
    """The latest issued approval documents: two queries whatever the count."""
    documents = (
        ApprovalDocument.objects.filter(status=DocumentStatus.ISSUED)
        .select_related("authority")
        .order_by("-issued_at", "-pk")[:limit]
    )
    return {
        "request": context.get("request"),
        "documents": list(documents),
        "index_page": ApprovalIndexPage.objects.live().first(),
    }
