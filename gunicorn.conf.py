"""gunicorn settings for production: `gunicorn website.wsgi` reads this file from the repo root.

Every value comes from the environment so one file serves every deployment.
"""

import multiprocessing
import os

# Behind a reverse proxy or CDN on the same host by default; set GUNICORN_BIND=0.0.0.0:8000 to
# listen on all interfaces.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: page rendering is CPU-bound and cached pages are fast; two per core by default.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Import Django and the fonts once in the master; workers fork with them already loaded.
preload_app = True
# Recycle workers now and then so a slow leak never grows unbounded; jitter staggers restarts.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Access log only when asked ("-" = stdout): the reverse proxy usually keeps one already.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the local proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Worker heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def on_starting(server):
    """Refuse to start on a wrong SIGNING_KEK (the deployment check `signing_keys`)."""
    import django
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    django.setup()
    try:
        call_command("check", deploy=True, tags=["signing_keys"], stdout=open(os.devnull, "w"))
    except SystemCheckError as error:
        server.log.error("启动检查失败：%s", error)
        raise SystemExit(f"启动检查失败，服务未启动：{error}") from error


# What every worker reads and never changes: loaded once here, in the master, so the forked
# workers share the pages instead of each loading a copy (jieba's dictionary alone is ~70 MB
# per process, and a worker's first search used to wait a second for it).
PROJECT_APPS = ("website", "notices", "publicity", "approvals", "search", "pagecache")


def warm_up(log) -> None:
    import gc
    from pathlib import Path

    import django.apps
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver

    from website.pdf.fonts import register_font
    from whoosh_jieba.analyzer import ensure_jieba

    ensure_jieba()
    register_font()
    # Every view module, imported the first time a URL is resolved.
    _ = get_resolver().url_patterns
    # The project's templates, compiled into the cached loader (on when DEBUG is off).
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [
        Path(config.path) / "templates"
        for config in django.apps.apps.get_app_configs()
        if config.name in PROJECT_APPS
    ]
    compiled = 0
    for folder in folders:
        for path in sorted(folder.rglob("*.html")) if folder.is_dir() else []:
            name = path.relative_to(folder).as_posix()
            if name.startswith("wagtailadmin/"):
                continue
            try:
                get_template(name)
                compiled += 1
            except (TemplateDoesNotExist, TemplateSyntaxError) as error:
                log.warning("warm-up: template %s not compiled: %s", name, error)
    # Objects alive now are kept out of the collector's reach, so its passes in the workers
    # do not write to (and so copy) the shared pages.
    gc.collect()
    gc.freeze()
    log.info("warm-up: jieba, fonts, URL patterns and %d templates loaded before fork", compiled)


def post_worker_init(worker):
    """Each worker opens the search index and answers one search before its first request
    (index readers hold open files: they are not shared across fork), so no visitor's first
    search pays for it."""
    if os.environ.get("GUNICORN_WARM_UP", "1") == "1":
        from search.site import warm_up

        try:
            warm_up()
        except Exception:
            worker.log.exception("warm-up: search not answered")


def when_ready(server):
    if preload_app and os.environ.get("GUNICORN_WARM_UP", "1") == "1":
        warm_up(server.log)
