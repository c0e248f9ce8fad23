from django.urls import path

from . import views, views_keys

urlpatterns: list = [
    # Public keys (approvals/views_keys.py): stable addresses, do not rename.
    path("keys/", views_keys.key_index, name="keys_index"),
    path("keys/ca.pem", views_keys.ca_pem, name="keys_ca_pem"),
    path("keys/ca.crl", views_keys.ca_crl, name="keys_ca_crl"),
    path("keys/keys.json", views_keys.keys_json, name="keys_json"),
    path("keys/<slug:key_id>.pem", views_keys.key_pem, name="keys_key_pem"),
    # Certificates (approvals/views.py).
    path("certificates/download/", views.download, name="certificate_download"),
    path("verify/", views.verify_page, name="certificate_verify"),
    path("verify/t/<str:token>", views.verify_page, name="certificate_verify_token"),
    path("api/v1/certificates/<str:number>", views.api_certificate, name="api_certificate"),
    path("api/v1/verify/pdf", views.api_verify_pdf, name="api_verify_pdf"),
    path("api/v1/verify/token", views.api_verify_token, name="api_verify_token"),
    path("api/v1/openapi.json", views.api_openapi, name="api_openapi"),
]
