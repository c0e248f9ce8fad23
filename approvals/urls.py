from django.urls import include, path

from approvals.feeds import DocumentAtomFeed, DocumentRssFeed, documents_calendar
from approvals.views import api, offline, public, tsa
from approvals.views import documents_api as api_documents
from approvals.views import keys as views_keys
from website.routes import api_routes, feed_routes

# Public keys under /keys/ (approvals/views/keys.py): stable addresses, do not rename.
key_urls = [
    path("", views_keys.key_index, name="keys_index"),
    path("ca.pem", views_keys.ca_pem, name="keys_ca_pem"),
    path("ca.crl", views_keys.ca_crl, name="keys_ca_crl"),
    path("keys.json", views_keys.keys_json, name="keys_json"),
    path("revoked.json", offline.revoked_json, name="keys_revoked_json"),
    path("tsa.pem", views_keys.tsa_pem, name="keys_tsa_pem"),
    path("ocsp", views_keys.ocsp, name="keys_ocsp"),
    path("<slug:key_id>.pem", views_keys.key_pem, name="keys_key_pem"),
]

# The certificate API under /api/v1/ (approvals/views/api.py) and its OpenAPI schema.
api_v1_urls = [
    path("certificates/<str:number>", api.api_certificate, name="api_certificate"),
    path("verify/pdf", api.api_verify_pdf, name="api_verify_pdf"),
    path("verify/token", api.api_verify_token, name="api_verify_token"),
    path("openapi.json", api.api_openapi, name="api_openapi"),
]

urlpatterns: list = [
    path("keys/", include(key_urls)),
    # Certificates (approvals/views/public.py).
    path("certificates/download/", public.download, name="certificate_download"),
    path(
        "certificates/download/<str:token>/",
        public.download_file,
        name="certificate_download_file",
    ),
    path("verify/", public.verify_page, name="certificate_verify"),
    path("verify/t/<str:token>", public.verify_page, name="certificate_verify_token"),
    # Offline verifier: the service worker at the site root so that its scope covers /verify/.
    path("verify-sw.js", offline.service_worker, name="verify_service_worker"),
    path("verify/offline/", offline.offline_page, name="certificate_verify_offline"),
    # RFC 3161 time-stamp authority (approvals/views/tsa.py).
    path("tsa", tsa.timestamp, name="tsa"),
    path("api/v1/", include(api_v1_urls)),
    *feed_routes(
        "approvals",
        DocumentRssFeed(),
        DocumentAtomFeed(),
        documents_calendar,
        name_prefix="approvals_",
    ),
    *api_routes(
        "documents", "document", api_documents.document_list, api_documents.document_detail
    ),
    path("api/<path:rest>", api.api_not_found, name="api_not_found"),
]
