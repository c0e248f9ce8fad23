"""Public media in production (WhiteNoise serves only static files).

`serve_public_media` answers /media/<path> from MEDIA_ROOT only: never a path outside it, never
a hidden file, never Wagtail documents (their own /documents/ view enforces collection privacy),
and never the private storage, which lives elsewhere. With ``MEDIA_ACCEL_REDIRECT`` set (e.g.
"/_protected_media/"), the reverse proxy sends the file (``X-Accel-Redirect``, nginx's
``internal`` location aliased to MEDIA_ROOT); otherwise Django streams it (FileResponse).
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

# Served by their own views, with their own permission checks.
EXCLUDED_PREFIXES = ("documents/",)


def public_media_path(path: str) -> Path:
    """The file under MEDIA_ROOT for a URL path, or Http404."""
    normal = posixpath.normpath(path).lstrip("/")
    parts = normal.split("/")
    if (
        not normal
        or normal.startswith(EXCLUDED_PREFIXES)
        or any(part.startswith(".") for part in parts)
        or "\x00" in normal
    ):
        raise Http404("文件不存在。")
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, normal))
    except (ValueError, Exception):
        raise Http404("文件不存在。") from None
    if not full.is_file():
        raise Http404("文件不存在。")
    return full


@require_safe
def serve_public_media(request: HttpRequest, path: str) -> HttpResponse:
    full = public_media_path(path)
    content_type = mimetypes.guess_type(full.name)[0] or "application/octet-stream"
    accel = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    if accel:
        relative = full.relative_to(Path(settings.MEDIA_ROOT).resolve()).as_posix()
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(relative)
    else:
        response = FileResponse(full.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    return response
