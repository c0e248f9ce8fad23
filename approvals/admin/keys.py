"""Admin of signing keys: read-only listing and inspection.

Keys are created only by ``python manage.py create_signing_key`` (which also deactivates the
previous key); editing or deleting one in a form would break the documents it signed.
Register with ``viewsets.register_admin_viewset`` hook in wagtail_hooks.py::

    from approvals.admin.keys import signing_key_viewset
    hooks.register("register_admin_viewset", lambda: signing_key_viewset)
"""

from __future__ import annotations

from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from approvals.models import SigningKey

READ_ONLY_ACTIONS = {"view"}


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Grants only viewing (to users with the view permission); never add, change or delete."""

    def user_has_permission(self, user, action):
        if action not in READ_ONLY_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)


class SigningKeyViewSet(ModelViewSet):
    model = SigningKey
    icon = "key"
    menu_label = "签章密钥"
    menu_order = 910
    add_to_admin_menu = True
    name = "signing_keys"
    list_display = ["authority", "key_id", "not_before", "not_after", "is_active", "created"]
    list_filter = ["authority", "is_active"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "authority",
        "key_id",
        "fingerprint",
        "serial_number",
        "not_before",
        "not_after",
        "is_active",
        "created",
        "certificate_pem",
    ]
    form_fields = ["is_active"]  # unused (no add/edit permission) but required by ModelViewSet


register_permission_policy(SigningKey, ReadOnlyPermissionPolicy(SigningKey))
signing_key_viewset = SigningKeyViewSet()
