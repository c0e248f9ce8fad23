from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps import Sitemap
from wagtail.documents import urls as wagtaildocs_urls

from website import views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": Sitemap}}, name="sitemap"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
]

# Public views beyond the pages themselves (feeds, downloads, verification, search).
urlpatterns += [
    path("", include("notices.urls")),
    path("", include("publicity.urls")),
    path("", include("approvals.urls")),
    path("", include("subscriptions.urls")),
    path("search/", include("search.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif getattr(settings, "SERVE_PUBLIC_MEDIA", True) and settings.MEDIA_URL.startswith("/"):
    # Production: public media from MEDIA_ROOT (see website.media; off when S3 serves them).
    from website.media import serve_public_media

    urlpatterns.append(
        re_path(
            r"^" + settings.MEDIA_URL.lstrip("/") + r"(?P<path>.+)$",
            serve_public_media,
            name="public_media",
        )
    )

urlpatterns.append(path("", include(wagtail_urls)))
