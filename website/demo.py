"""Demo content of the site structure: home page, authorities and series found in the seeds.

Every app contributes its own `<app>/demo.py` with a `load(log)` function; `load_demo` calls
them in order. Each loader is idempotent: it looks things up by a natural key before creating.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from .models import Authority, HomePage, Series, Specialty

AUTHORITIES = [
    {
        "slug": "bayingol",
        "name": "巴音郭楞蒙古自治州工程系列建材、石油、化工、纺织、机械电子专业中、初级职称评审委员会",
        "short_name": "巴州工程系列评委会",
        "region": "新疆维吾尔自治区",
        "document_number_format": "巴州职称办〔{year}〕{n}号",
        # The committee signs its documents: its seal reads its own name.
        "seal_text": "",
        "seal_purpose": "职称评审专用章",
    },
    {
        "slug": "toutunhe",
        "name": "经济技术开发区（头屯河区）人力资源和社会保障局",
        "short_name": "经开区（头屯河区）人社局",
        "region": "新疆维吾尔自治区",
        "document_number_format": "新经开人社〔{year}〕{n}号",
        "seal_text": "乌鲁木齐经济技术开发区（头屯河区）人力资源和社会保障局",
        "seal_purpose": "职称评审专用章",
        "contacts": [
            {
                "purpose": "业务咨询",
                "organisation": "经济技术开发区（头屯河区）人力资源和社会保障局",
                "people": "杨丽",
                "phones": ["0991—3757772", "3792164"],
                "email": "93749288@qq.com",
            },
            {
                "purpose": "平台技术服务",
                "organisation": "新疆专业技术人员管理平台",
                "people": "",
                "phones": ["0991—3193615", "3193501"],
                "email": "",
            },
        ],
    },
    {
        "slug": "urumqi",
        "name": "乌鲁木齐市人力资源和社会保障局",
        "short_name": "乌鲁木齐市人社局",
        "region": "新疆维吾尔自治区",
        "document_number_format": "乌人社〔{year}〕{n}号",
        "seal_text": "乌鲁木齐市人力资源和社会保障局",
        "seal_purpose": "职称评审专用章",
    },
]

SERIES = {
    "工程系列": ["机械电子", "建材", "石油", "化工", "纺织", "光伏硅基", "风力发电", "建筑工程"],
    "经济系列": ["经济", "审计", "统计", "人力资源"],
    "会计系列": ["会计"],
    "审计系列": ["审计"],
    "统计系列": ["统计"],
    "卫生健康系列": ["临床医学", "护理"],
    "中小学教师系列": ["中学教师", "小学（幼儿园）教师", "教学服务"],
    "高校教师系列": ["高校教师"],
    "农业系列": ["农学"],
}


def ensure_tree_root() -> None:
    """Wagtail's migrations create the default locale and the tree root; `manage.py flush`
    (and a transactional test's teardown) deletes them. Recreate them so load_demo still works."""
    if Page.objects.filter(depth=1).exists():
        return
    ContentType.objects.clear_cache()  # a flush recreates content types under new ids
    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    Locale.objects.get_or_create(language_code=language)
    Page.add_root(instance=Page(title="根目录", slug="root"))


def public_host_and_port() -> tuple[str, int]:
    """Host name and port of ``PUBLIC_BASE_URL``: the default Site's, so that absolute links
    (sitemap, feeds, share tags) name the address visitors use, never ``localhost``."""
    parts = urlsplit(settings.PUBLIC_BASE_URL)
    default = 443 if parts.scheme == "https" else 80
    return parts.hostname or "localhost", parts.port or default


def ensure_home_page() -> HomePage:
    """The single HomePage, replacing Wagtail's welcome page and owning the default Site."""
    ensure_tree_root()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's initial welcome page (a plain Page at /home/) makes way for ours.
        Page.objects.filter(depth=2, content_type__model="page", slug="home").delete()
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title="职称公示与证书平台",
                slug="home",
                intro="<p>发布职称评审通知、评审结果公示、任职资格审批文件与职称电子证书；所有文件均可在线查验真伪。</p>",
            )
        )
        home.save_revision().publish()
    hostname, port = public_host_and_port()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=hostname,
            port=port,
            root_page=home,
            is_default_site=True,
            site_name="职称公示与证书平台",
        )
    elif (site.root_page_id, site.hostname, site.port) != (home.pk, hostname, port):
        site.root_page = home
        site.site_name = "职称公示与证书平台"
        site.hostname, site.port = hostname, port
        site.save()
    return home


def ensure_child_page(parent: Page, model: type[Page], slug: str, **fields) -> Page:
    """The ``model`` page at ``slug`` under ``parent``; created and published when missing."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = parent.add_child(instance=model(slug=slug, live=False, **fields))
        page.save_revision().publish()
    return page


def ensure_authorities() -> dict[str, Authority]:
    """The authorities named in the seeds, by slug."""
    result = {}
    for data in AUTHORITIES:
        fields = {k: v for k, v in data.items() if k not in ("slug", "contacts")}
        authority, created = Authority.objects.get_or_create(slug=data["slug"], defaults=fields)
        if created and data.get("contacts"):
            authority.contacts = [("contact", contact) for contact in data["contacts"]]
            authority.save()
        result[authority.slug] = authority
    return result


def ensure_series() -> None:
    """The series and specialties that the seed notices cover."""
    for order, (name, specialties) in enumerate(SERIES.items()):
        series, _ = Series.objects.get_or_create(name=name, defaults={"sort_order": order})
        existing = set(series.specialties.values_list("name", flat=True))
        for position, specialty in enumerate(specialties):
            if specialty not in existing:
                Specialty.objects.create(series=series, name=specialty, sort_order=position)


@transaction.atomic
def load(log: Callable[[str], None]) -> None:
    """Site structure: home page, authorities, series."""
    home = ensure_home_page()
    authorities = ensure_authorities()
    ensure_series()
    log(f"首页：{home.title}；发文机关 {len(authorities)} 个；系列 {Series.objects.count()} 个")
