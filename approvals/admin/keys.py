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
from django.utils.functional import cached_property
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from approvals.models import SigningKey
from website.admin_columns import ActionLinkColumn

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


def key_state(key: SigningKey) -> str:
    if key.is_revoked:
        return f"已吊销（自 {key.compromised_from:%Y-%m-%d %H:%M} 起）"
    return key.state_label


def key_signed(key: SigningKey) -> str:
    """What the key signed: approval documents and certificates."""
    return f"审批文件 {key.approval_documents.count()} 件，证书 {key.certificates.count()} 张"


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
        Column("state", label="状态", accessor=key_state),
        Column("signed", label="签署内容", accessor=key_signed),
        ActionLinkColumn(
            "revoke",
            "signing_keys:revoke",
            "吊销…",
            label="操作",
            available=lambda key: not key.is_revoked,
        ),
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

    @property
    def index_view_class(self):
        return SigningKeyIndexView

    def get_urlpatterns(self):
        from approvals.admin.views import RevokeKeyView

        return super().get_urlpatterns() + [
            path("revoke/<int:pk>/", RevokeKeyView.as_view(), name="revoke"),
            path("rotate/", rotate_key, name="rotate"),
            path("crl/", refresh_crl, name="crl"),
        ]


class SigningKeyIndexView(IndexView):
    """The key list, with 轮换签章密钥 and 更新吊销列表 for superusers."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.is_superuser:
            buttons.append(
                HeaderButton("轮换签章密钥", url=reverse("signing_keys:rotate"), icon_name="key")
            )
        return buttons


register_permission_policy(SigningKey, ReadOnlyPermissionPolicy(SigningKey))
signing_key_viewset = SigningKeyViewSet()


# -- rotation and CRL from the admin ---------------------------------------------------------
# Both act with the platform CA's private key, so only superusers may use them (no group
# permission grants it); every use is written to the audit log.


def _require_superuser(request) -> None:
    from django.core.exceptions import PermissionDenied

    if not request.user.is_superuser:
        raise PermissionDenied


def rotate_key(request):
    """轮换签章密钥: a new active key for one authority (``create_signing_key``); the old key
    stays, inactive, so everything it signed keeps verifying."""
    from django.contrib import messages
    from django.shortcuts import get_object_or_404, redirect
    from django.template.response import TemplateResponse
    from wagtail.log_actions import log

    from approvals.crypto.keys import create_signing_key
    from website.models import Authority

    _require_superuser(request)
    if request.method == "POST":
        authority = get_object_or_404(Authority, pk=request.POST.get("authority"))
        key = create_signing_key(authority)
        log(key, "approvals.rotate_key", user=request.user, data={"authority": authority.name})
        messages.success(
            request, f"已为{authority.name}生成新签章密钥 {key.key_id}，旧密钥已停用。"
        )
        return redirect("signing_keys:index")
    active = {
        key.authority_id: key
        for key in SigningKey.objects.filter(is_active=True).select_related("authority")
    }
    authorities = [
        (authority, active.get(authority.pk)) for authority in Authority.objects.order_by("name")
    ]
    return TemplateResponse(
        request,
        "approvals/admin/rotate_key.html",
        {"authorities": authorities, "page_title": "轮换签章密钥", "header_icon": "key"},
    )


def refresh_crl(request):
    """更新吊销列表: sign the CA's CRL now, store it as the file /keys/ca.crl serves, and hand
    it over (approvals.crypto.crl: web workers never sign it per request)."""
    from django.http import Http404, HttpResponse
    from wagtail.log_actions import log

    from approvals.crypto.crl import refresh_crl as store_fresh_crl
    from approvals.models import PlatformCA

    _require_superuser(request)
    if request.method != "POST":
        from django.http import HttpResponseNotAllowed

        return HttpResponseNotAllowed(["POST"])
    ca = PlatformCA.objects.order_by("created").first()
    if ca is None:
        raise Http404("尚未创建平台根证书。")
    crl = store_fresh_crl()
    if crl is None:
        raise Http404("尚未创建平台根证书。")
    log(ca, "approvals.refresh_crl", user=request.user)
    response = HttpResponse(crl, content_type="application/pkix-crl")
    response["Content-Disposition"] = 'attachment; filename="ca.crl"'
    return response
