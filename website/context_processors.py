"""The public navigation, the same on every page."""

from django.http import HttpRequest

# Column paths are fixed slugs under the home page (see load_demo), so the menu costs no query.
NAVIGATION = [
    ("首页", "/"),
    ("通知公告", "/notices/"),
    ("资料下载", "/downloads/"),
    ("公示", "/publicity/"),
    ("审批文件", "/approvals/"),
    ("证书查验", "/verify/"),
]


def site_navigation(request: HttpRequest) -> dict:
    """Navigation entries with the current column marked."""
    path = request.path
    items = []
    for label, url in NAVIGATION:
        current = path == "/" if url == "/" else path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    return {"site_navigation": items}
