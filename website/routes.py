"""The standard public routes of a column app: its feeds (RSS, Atom, iCalendar) and its read-only
API list/detail pair, built from one short spec so every app spells them the same way."""

from django.urls import URLPattern, path


def feed_routes(
    prefix: str, rss, atom, calendar, *, name_prefix: str = "", calendar_name: str = "calendar"
) -> list[URLPattern]:
    """``<prefix>/feed/rss/``, ``<prefix>/feed/atom/`` and ``<prefix>/calendar.ics``."""
    return [
        path(f"{prefix}/feed/rss/", rss, name=f"{name_prefix}feed_rss"),
        path(f"{prefix}/feed/atom/", atom, name=f"{name_prefix}feed_atom"),
        path(f"{prefix}/calendar.ics", calendar, name=f"{name_prefix}{calendar_name}"),
    ]


def api_routes(plural: str, singular: str, list_view, detail_view) -> list[URLPattern]:
    """``api/v1/<plural>/`` (named ``api_<plural>``) and ``api/v1/<plural>/<pk>`` (``api_<singular>``)."""
    return [
        path(f"api/v1/{plural}/", list_view, name=f"api_{plural}"),
        path(f"api/v1/{plural}/<int:pk>", detail_view, name=f"api_{singular}"),
    ]
