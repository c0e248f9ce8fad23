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
