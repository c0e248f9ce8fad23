from django.urls import path

from approvals.feeds import DocumentAtomFeed, DocumentRssFeed, documents_calendar
from approvals.views import api, public
from approvals.views import documents_api as api_documents
from approvals.views import keys as views_keys

urlpatterns: list = [
    # Public keys (approvals/views/keys.py): stable addresses, do not rename.
    path("keys/", views_keys.key_index, name="keys_index"),
    path("keys/ca.pem", views_keys.ca_pem, name="keys_ca_pem"),
    path("keys/ca.crl", views_keys.ca_crl, name="keys_ca_crl"),
    path("keys/keys.json", views_keys.keys_json, name="keys_json"),
    path("keys/<slug:key_id>.pem", views_keys.key_pem, name="keys_key_pem"),
    # Certificates (approvals/views/public.py, approvals/views/api.py).
    path("certificates/download/", public.download, name="certificate_download"),
    path("verify/", public.verify_page, name="certificate_verify"),
    path("verify/t/<str:token>", public.verify_page, name="certificate_verify_token"),
    path("api/v1/certificates/<str:number>", api.api_certificate, name="api_certificate"),
    path("api/v1/verify/pdf", api.api_verify_pdf, name="api_verify_pdf"),
    path("api/v1/verify/token", api.api_verify_token, name="api_verify_token"),
    path("approvals/feed/rss/", DocumentRssFeed(), name="approvals_feed_rss"),
    path("approvals/feed/atom/", DocumentAtomFeed(), name="approvals_feed_atom"),
    path("approvals/calendar.ics", documents_calendar, name="approvals_calendar"),
    path("api/v1/documents/", api_documents.document_list, name="api_documents"),
    path("api/v1/documents/<int:pk>", api_documents.document_detail, name="api_document"),
    path("api/v1/openapi.json", api.api_openapi, name="api_openapi"),
    path("api/<path:rest>", api.api_not_found, name="api_not_found"),
]
