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
    # Several web servers: media and private files on S3-compatible storage (django-storages),
    # so a file written by one server is read by every other. Credentials: boto3's own
    # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or an instance role).
    _S3 = {
        "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        # Two uploads of the same name never replace each other (FileSystemStorage's rule).
        "file_overwrite": False,
    }
    # Public media (approval-document PDFs, images) under their own prefix, which the bucket
    # policy alone makes readable: plain URLs, so cached pages never hold expiring links.
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3,
            "location": os.environ.get("AWS_LOCATION", "media"),
            "querystring_auth": False,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
        },
    }
    # Private files (certificates, photos, attachments, the CRL): their own bucket, or a prefix
    # of the same bucket that no policy opens; never a public URL (the apps stream them after
    # their own checks), objects written with the private ACL.
    STORAGES["private"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3,
            "bucket_name": os.environ.get("AWS_PRIVATE_BUCKET_NAME") or _S3["bucket_name"],
            "location": os.environ.get("AWS_PRIVATE_LOCATION", "private"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }
    _public, _private = STORAGES["default"]["OPTIONS"], STORAGES["private"]["OPTIONS"]  # noqa: F405
    if _public["bucket_name"] == _private["bucket_name"] and (
        not _public["location"]
        or f"{_private['location']}/".startswith(f"{_public['location'].rstrip('/')}/")
        or f"{_public['location']}/".startswith(f"{_private['location'].rstrip('/')}/")
    ):
        raise ImproperlyConfigured(
            "AWS_LOCATION 与 AWS_PRIVATE_LOCATION 在同一存储桶中必须是互不包含的前缀"
            "（私有文件不得落入公开前缀），或用 AWS_PRIVATE_BUCKET_NAME 指定单独的私有存储桶。"
        )
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
