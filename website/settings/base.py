"""Settings shared by every environment; each value that differs comes from the environment."""

import ipaddress
import json
import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
# Runtime state (database, uploads, search index, demo keys) lives outside the code, git-ignored.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
# Key-encryption key of the signing keys (base64 of 32 bytes). Unset in development: a local one
# is generated into VAR_DIR/keys/kek; production refuses to start without it.
SIGNING_KEK = os.environ.get("SIGNING_KEK", "")
# Key of the ID-number hashes (website.identity), never derived from SECRET_KEY. Unset in
# development: one is generated into VAR_DIR/keys/id_hash_key; production refuses to start
# without it. ID_HASH_KEY_PREVIOUS is set only while `manage.py rotate_id_hash_key` re-keys.
ID_HASH_KEY = os.environ.get("ID_HASH_KEY", "")
ID_HASH_KEY_PREVIOUS = os.environ.get("ID_HASH_KEY_PREVIOUS", "")
# Long-term signatures (approvals.crypto.tsa / ltv): a bureau's own RFC 3161 time-stamp service
# (empty: the platform's own, in-process), how many days before a time-stamp certificate expires
# refresh_timestamps re-time-stamps, and after how many days the offline verifier calls its
# revocation list out of date.
SIGNING_TSA_URL = os.environ.get("SIGNING_TSA_URL", "")
SIGNING_TSA_RENEWAL_DAYS = int(os.environ.get("SIGNING_TSA_RENEWAL_DAYS", "365"))
APPROVALS_OFFLINE_LIST_MAX_AGE_DAYS = int(
    os.environ.get("APPROVALS_OFFLINE_LIST_MAX_AGE_DAYS", "7")
)


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


INSTALLED_APPS = [
    "website",
    "whoosh_jieba",
    "search",
    "notices",
    "publicity",
    "approvals",
    "pagecache",
    "subscriptions",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (django-csp) and Permissions-Policy on every response, cached
    # pages included (they sit outside the page cache).
    "website.csp.SiteCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Gzips the text Django generates when the page cache has not (outside it: a cached
    # entry is sent gzipped already).
    "website.compression.GeneratedTextGZipMiddleware",
    # Before sessions and auth: a cached anonymous page costs only the cache read.
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware has checked the host: the request's Wagtail site, kept per host.
    "website.sites.current_site_middleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one client address, that pair is locked for AXES_COOLOFF_TIME; other users and
# other addresses are unaffected (an attacker cannot lock an editor out from elsewhere).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# One client-address rule for the whole site (trusted proxies only).
AXES_CLIENT_IP_CALLABLE = "website.login_throttle.axes_client_ip"
AXES_LOCKOUT_TEMPLATE = "website/login_locked.html"
AXES_VERBOSE = False

# django-csp 4: no inline script on public pages (behaviour lives in static files; the admin
# is the one exception, see website.csp); inline styles stay
# allowed because Wagtail's admin sets style attributes from its scripts. Frames only from
# ourselves (the admin's live preview).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Features no page of the site uses.
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
}

ROOT_URLCONF = "website.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "website.context_processors.site_navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "website.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        # A worker keeps its connection (a new one per request cost about 2 ms of CPU on
        # SQLite, more on PostgreSQL); checked before reuse, so a restarted server is no error.
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the task worker and the scheduler share one SQLite file:
    # wait for the write lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
# Strings of Wagtail's admin that its own zh_Hans catalogue lacks; the project's catalogue also
# reaches the admin's JavaScript (LOCALE_PATHS are merged into every JavaScriptCatalog).
LOCALE_PATHS = [BASE_DIR / "website" / "locale"]
# Editors work in Beijing time; the account page offers no other zone.
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
# No autosave: on the "new page" form it silently created drafts nobody saved (then the real
# first save failed on the draft's slug), and on an edit form it made revisions unasked.
WAGTAIL_AUTOSAVE_INTERVAL = 0
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Uploads that must never be served directly (objection attachments, photos, private keys).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Personal data: readable by the service's own user only.
        "OPTIONS": {
            "location": PRIVATE_MEDIA_ROOT,
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Uploads above this many bytes go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "zc",
        }
    }

# Who is asking, for every rate limit (website.ratelimit.client_ip): X-Forwarded-For is believed
# only when it comes from one of these reverse proxies (comma-separated IPs or CIDRs), and then
# only the hops they appended, read from the right. Empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = [
    str(ipaddress.ip_network(item.strip(), strict=False))
    for item in os.environ.get("TRUSTED_PROXIES", "").split(",")
    if item.strip()
]
# Per-client limits of 证书查验 (approvals.retrieval.verify_limits), (count, seconds): PDF
# uploads, look-ups by certificate number (slow enough that numbers cannot be walked fast; the
# benchmark raises it with VERIFY_NUMBER_LOOKUPS_PER_MINUTE) and by QR token.
APPROVALS_VERIFY_LIMITS = {
    "upload": (60, 600),
    "number": (int(os.environ.get("VERIFY_NUMBER_LOOKUPS_PER_MINUTE", "30")), 60),
    "token": (600, 600),
}

# The anonymous page cache (the pagecache app). Invalidation is exact, so entries may live long;
# none outlives the next midnight or scheduled go-live/expiry. Local default: a file cache, shared
# by the web server, the task worker and the scheduler, whose purges must reach the server.
PAGE_CACHE_ENABLED = os.environ.get("PAGE_CACHE", "1") == "1"
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", "3600"))
# Paths whose content depends on the whole site (any content change may alter them: search,
# feeds, calendars, sitemap, template downloads addressed by page id) or on certificates (a
# revocation changes every verification page).
PAGE_CACHE_GROUPS = {
    "content": [
        r"^/search/",
        r"^/sitemap\.xml$",
        r"/feeds?(/|\.xml$|$)",
        r"/(rss|atom)(/|\.xml$|$)",
        r"\.(ics|rss|atom|xml)$",
        r"^/downloads/\d+/",
    ],
    "verify": [r"^/verify/"],
}
# Public views (URL names) whose anonymous responses may be shared, besides Wagtail's pages and
# views decorated with pagecache.cacheable_page.
PAGE_CACHE_VIEWS = [
    "wagtail_serve",
    "sitemap",
    "search:search",
    "notices:feed_rss",
    "notices:feed_atom",
    "notices:calendar",
    "notices:template_download",
]
if os.environ.get("REDIS_URL"):
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "zc-pages"}
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache" / "pages",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
# A CDN or reverse proxy in front, purged by the same functions as the page cache: JSON in the
# environment, e.g. {"cdn": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
# "LOCATION": "http://127.0.0.1:8080"}}. wagtail.contrib.frontend_cache is deliberately not in
# INSTALLED_APPS: its own signal handlers would purge only the page itself, ours purge what shows it.
WAGTAILFRONTENDCACHE = json.loads(os.environ.get("WAGTAILFRONTENDCACHE") or "{}")
# Varnish in front (deploy/varnish/zhicheng.vcl): purged by dependency tag, groups included.
if os.environ.get("VARNISH_URL"):
    WAGTAILFRONTENDCACHE["varnish"] = {
        "BACKEND": "pagecache.frontend.VarnishBackend",
        "LOCATION": os.environ["VARNISH_URL"],
    }
# Seconds a shared cache may keep a page (s-maxage); unset: PAGE_CACHE_TIMEOUT when a frontend
# cache is configured above (it is purged), else 0.
if os.environ.get("PAGE_CACHE_EDGE_TIMEOUT"):
    PAGE_CACHE_EDGE_TIMEOUT = int(os.environ["PAGE_CACHE_EDGE_TIMEOUT"])

# Background work: Wagtail's own tasks (search indexing, image renditions) run in-process;
# long work is enqueued on the database queue served by `manage.py db_worker`.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "queue": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}

WAGTAIL_SITE_NAME = "职称公示与证书平台"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The public address of the site: absolute links in the sitemap, feeds, share tags and robots.txt
# come from the default Wagtail Site, which load_demo sets from this.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", WAGTAILADMIN_BASE_URL).rstrip("/")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: it would send editors' e-mail hashes abroad (and breaks the CSP img-src).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "doc", "pdf", "txt", "xlsx", "xls", "md", "odt", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"

# Whoosh + jieba (whoosh_jieba): Chinese word search on one server. Several web servers share
# one index: SEARCH_BACKEND=postgres (pg_jieba, the same jieba tokens in PostgreSQL's full-text
# search) or Wagtail's Elasticsearch/OpenSearch backend (see README, "Search").
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "whoosh_jieba.backend",
        "INDEX_PATH": Path(os.environ.get("SEARCH_INDEX_PATH", VAR_DIR / "search")),
    },
}
if os.environ.get("SEARCH_BACKEND", "whoosh") == "postgres":
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "pg_jieba.backend"}}
# Terms of this field that jieba's general dictionary lacks: each is one word for indexing and
# queries alike (职称评审 is found as a whole, not only as 职称 + 评审). Changing the list needs
# `manage.py update_index`.
WHOOSH_JIEBA_WORDS = [
    "职称评审",
    "评审费",
    "盲评",
    "职称办",
    "继续教育",
    "任职资格",
    "专业技术",
    "电子证书",
    "推荐单位",
    "公示期",
    "花名册",
    "承诺书",
    "免试表",
]

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@zhicheng.example.cn")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "beijing": {
            "()": "website.logformat.BeijingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "beijing"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Per-task and per-page chatter drowns what matters in the embedded run's output.
        "jieba": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
