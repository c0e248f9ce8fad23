from django.db import models
from modelsearch import index
from wagtail.models import Page


class Organisation(index.Indexed, models.Model):
    """A plain (non-page) indexed model: a boosted name, a second text field, a filter field."""

    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=40, blank=True)
    slug = models.SlugField(unique=True)
    region = models.CharField(max_length=40, blank=True)

    search_fields = [
        index.SearchField("name", boost=2),
        index.SearchField("short_name"),
        index.AutocompleteField("name"),
        index.FilterField("region"),
    ]

    def __str__(self):
        return self.name


class ArticlePage(Page):
    """A page type of its own, for type filters, specific() and content-type facets."""

    body = models.TextField(blank=True)

    search_fields = Page.search_fields + [index.SearchField("body")]
    is_creatable = False
