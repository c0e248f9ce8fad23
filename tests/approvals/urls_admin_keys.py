"""URLconf mounting the SigningKey admin viewset, for testing it before/independently of the
app's wagtail_hooks registration."""

from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls

from approvals.admin.keys import signing_key_viewset
from website.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path(
        "admin/signing_keys/",
        include((signing_key_viewset.get_urlpatterns(), "signing_keys"), namespace="signing_keys"),
    ),
    path("admin/", include(wagtailadmin_urls)),
    *site_urlpatterns,
]
