from django.urls import path

from . import views_keys

urlpatterns: list = [
    # Public keys (approvals/views_keys.py): stable addresses, do not rename.
    path("keys/", views_keys.key_index, name="keys_index"),
    path("keys/ca.pem", views_keys.ca_pem, name="keys_ca_pem"),
    path("keys/keys.json", views_keys.keys_json, name="keys_json"),
    path("keys/<slug:key_id>.pem", views_keys.key_pem, name="keys_key_pem"),
]
