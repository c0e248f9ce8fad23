"""Admin of signing keys: listing and inspection (state, what each key signed), and revocation
from a compromise date for users with ``approvals.revoke_signingkey``.

Keys are created only by ``python manage.py create_signing_key`` (which also deactivates the
previous key); editing or deleting one in a form would break the documents it signed.
Register with ``viewsets.register_admin_viewset`` hook in wagtail_hooks.py::

    from approvals.admin.keys import signing_key_viewset
    hooks.register("register_admin_viewset", lambda: signing_key_viewset)
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.html import format_html
from wagtail.admin.ui.tables import Column
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


class StateColumn(Column):
    def get_value(self, instance):
        if instance.is_revoked:
            return f"已吊销（自 {instance.compromised_from:%Y-%m-%d %H:%M} 起）"
        return instance.state_label


class SignedColumn(Column):
    """What the key signed: approval documents and certificates."""

    def get_value(self, instance):
        return (
            f"审批文件 {instance.approval_documents.count()} 件，"
            f"证书 {instance.certificates.count()} 张"
        )


class RevokeKeyColumn(Column):
    def get_value(self, instance):
        if instance.is_revoked:
            return "—"
        return format_html(
            '<a href="{}">吊销…</a>', reverse("signing_keys:revoke", args=[instance.pk])
        )


class SigningKeyViewSet(ModelViewSet):
    model = SigningKey
    icon = "key"
    menu_label = "签章密钥"
    menu_order = 910
    add_to_admin_menu = True
    name = "signing_keys"
    list_display = [
        "authority",
        "key_id",
        "not_before",
        "not_after",
        StateColumn("state", label="状态"),
        SignedColumn("signed", label="签署内容"),
        RevokeKeyColumn("revoke", label="操作"),
    ]
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
        "revoked_at",
        "compromised_from",
        "revocation_reason",
        "revocation_note",
        "revoked_by",
        "certificate_pem",
    ]
    form_fields = ["is_active"]  # unused (no add/edit permission) but required by ModelViewSet

    def get_urlpatterns(self):
        from approvals.admin.views import RevokeKeyView

        return super().get_urlpatterns() + [
            path("revoke/<int:pk>/", RevokeKeyView.as_view(), name="revoke"),
        ]


register_permission_policy(SigningKey, ReadOnlyPermissionPolicy(SigningKey))
signing_key_viewset = SigningKeyViewSet()
