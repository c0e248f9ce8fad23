"""Production: PostgreSQL, Redis, S3-compatible storage, everything from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_list

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("生产环境必须设置环境变量 SECRET_KEY。")

if not os.environ.get("SIGNING_KEK"):
    raise ImproperlyConfigured(
        "生产环境必须设置环境变量 SIGNING_KEK（32 字节随机密钥的 base64 编码），用于加密签章私钥。"
    )

if not os.environ.get("ID_HASH_KEY"):
    raise ImproperlyConfigured(
        "生产环境必须设置环境变量 ID_HASH_KEY（身份证号摘要的独立密钥，不得由 SECRET_KEY 派生）。"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible storage for public media (requires django-storages[s3] in the deployment).
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}  # noqa: F405
    SERVE_PUBLIC_MEDIA = False
# Public media from MEDIA_ROOT through website.media: set to the internal location of the
# reverse proxy (nginx: `location /_protected_media/ { internal; alias <MEDIA_ROOT>/; }`) so
# it sends the files; empty, Django streams them.
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# An SMTP server that does not answer must not hold a worker for long (mail is sent by the task
# worker, which retries).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))

# Degrade, don't die: an unreachable Redis is a cache miss (and an uncounted rate limit), never a
# 500. Short socket timeouts so a dead Redis costs a request half a second at most.
for _alias in ("default", "pages"):
    if CACHES.get(_alias, {}).get("BACKEND") == "django_redis.cache.RedisCache":  # noqa: F405
        CACHES[_alias]["OPTIONS"] = {  # noqa: F405
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.5")),
            "SOCKET_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
        }
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
