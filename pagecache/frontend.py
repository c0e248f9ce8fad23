"""A Wagtail frontend-cache backend for Varnish that purges by dependency tag.

Configured like Wagtail's own backends::

    WAGTAILFRONTENDCACHE = {
        "varnish": {"BACKEND": "pagecache.frontend.VarnishBackend",
                    "LOCATION": "http://127.0.0.1:6081"},
    }

Every page the page cache lets out to a shared cache carries ``X-Cache-Tags``: the tags of its
dependency names (its path, its groups such as every ``/verify/`` page, the global group; see
`pagecache.cache.edge_tags`). Purging sends one ``BAN`` request whose ``X-Ban-Tags`` header lists
the tags of the purged names; the VCL (deploy/varnish/zhicheng.vcl) bans every object carrying
one of them. So Varnish forgets exactly what the page cache forgets: a path with all its query
strings (pagination, filters), however the client spelled its percent-encoding, and whole groups,
which a purge by URL cannot reach. The bans test only ``obj.http.*``, so Varnish's ban lurker
clears them in the background and the ban list stays short.

A plain URL purge (Wagtail's ``purge_url_from_cache``) becomes the ban of that URL's path.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from .cache import edge_tag, normalise_path

logger = logging.getLogger("wagtail.frontendcache")

TAGS_PER_REQUEST = 200  # 17 bytes each: well under Varnish's 8 KB header limit


class BanRequest(Request):
    def get_method(self) -> str:
        return "BAN"


class VarnishBackend(BaseBackend):
    def __init__(self, params):
        super().__init__(params)
        self.location = params["LOCATION"].rstrip("/")
        self.timeout = float(params.get("TIMEOUT", 5))

    def purge(self, url: str) -> None:
        self.purge_batch([url])

    def purge_batch(self, urls: Iterable[str]) -> None:
        self.purge_tags(sorted({edge_tag(f"path:{normalise_path(url)}") for url in urls}))

    def purge_tags(self, tags: list[str]) -> None:
        """Ban every object carrying one of ``tags`` (chunked to keep headers short)."""
        for start in range(0, len(tags), TAGS_PER_REQUEST):
            chunk = "|".join(tags[start : start + TAGS_PER_REQUEST])
            request = BanRequest(
                self.location + "/",
                headers={"X-Ban-Tags": chunk, "User-Agent": "zhicheng-pagecache"},
            )
            try:
                # The location comes from the settings (an operator's address), not a visitor.
                with urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    response.read()
            except HTTPError as error:
                logger.error("Varnish 清除失败（%s）：HTTP %d %s", chunk, error.code, error.reason)
            except (URLError, OSError) as error:
                logger.error("Varnish 清除失败（%s）：%s", chunk, error)
