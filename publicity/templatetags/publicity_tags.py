"""Template tags: the home page's publicity section (two queries, whatever the count)."""

from django import template

from ..models import PublicityPage

register = template.Library()


@register.inclusion_tag("publicity/includes/home_section_inner.html", takes_context=True)
def publicity_home_section(context, limit: int = 5):
    """Running and upcoming publicity with their end dates."""
    return {
        "request": context.get("request"),
        "running": list(PublicityPage.objects.running()[:limit]),
        "upcoming": list(PublicityPage.objects.upcoming()[:limit]),
    }
