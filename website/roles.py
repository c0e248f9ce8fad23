"""Roles scoped per issuing authority: who may prepare, issue, revoke, decide objections and
maintain the calendar, and for which authorities.

Django permissions say *what* a group may touch (``approvals.add_approvaldocument`` …); an
``AuthorityRole`` says *for whom*: it binds a group (or one user) to an authority with a role.
A user acts in a role only for the authorities one of their groups (or they themselves) is bound
to; superusers act for all. The apps declare which model permissions each role's default group
needs (``register_role_permissions`` in their ``AppConfig.ready``), so this base layer names no
app above it; ``ensure_role_groups`` (run after every migrate) creates the Chinese groups.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

__all__ = [
    "AuthorityRole",
    "Role",
    "authorities_for",
    "authority_field",
    "display_name",
    "ensure_role_groups",
    "has_role",
    "link_field",
    "register_role_permissions",
    "user_field",
]


class Role(models.TextChoices):
    """A duty an editor holds for an authority. A member is (stored value, the name of the
    default group ensure_role_groups creates for it, its label), so a role and its group are
    declared together (Django takes the last item as the label)."""

    PREPARE = "prepare", "经办人员", "经办"
    ISSUE = "issue", "签发人员", "签发"
    REVOKE = "revoke", "撤销审核人员", "撤销"
    OBJECTIONS = "objections", "异议处理人员", "异议处理"
    CALENDAR = "calendar", "日历维护人员", "日历维护"

    def __new__(cls, value: str, group_name: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.group_name = group_name
        return member


def link_field(
    to: str,
    verbose_name: str,
    *,
    on_delete=models.SET_NULL,
    optional: bool = True,
    related_name: str = "+",
    **options,
) -> models.ForeignKey:
    """A reference to another record, by default optional (null and blank) and kept out of the
    other record's reverse relations; ``options`` go to the ``ForeignKey`` as they are."""
    return models.ForeignKey(
        to,
        on_delete=on_delete,
        null=optional,
        blank=optional,
        related_name=related_name,
        verbose_name=verbose_name,
        **options,
    )


def authority_field(
    related_name: str, *, on_delete=models.PROTECT, help_text: str = ""
) -> models.ForeignKey:
    """The 发文机关 a record belongs to; ``PROTECT`` by default, since published records keep
    their authority."""
    return link_field(
        "website.Authority",
        "发文机关",
        on_delete=on_delete,
        optional=False,
        related_name=related_name,
        help_text=help_text,
    )


def user_field(
    verbose_name: str,
    *,
    on_delete=models.SET_NULL,
    optional: bool = True,
    editable: bool = True,
) -> models.ForeignKey:
    """Who did something (签发人, 撤销人 …): a user, kept out of the user's reverse relations.

    ``optional``: the act may not have happened yet (null and blank). ``on_delete=PROTECT``
    where the record must keep its author."""
    return link_field(
        settings.AUTH_USER_MODEL,
        verbose_name,
        on_delete=on_delete,
        optional=optional,
        editable=editable,
    )


def _holder(model: str, label: str) -> models.ForeignKey:
    return link_field(model, label, on_delete=models.CASCADE, related_name="authority_roles")


class AuthorityRole(models.Model):
    """A group or one user holds a role for one authority (e.g. 签发人员 → 头屯河区人社局)."""

    # Exactly one of the two is set: the role holder.
    group = _holder("auth.Group", "用户组")
    user = _holder(settings.AUTH_USER_MODEL, "用户")
    authority = authority_field("roles", on_delete=models.CASCADE)
    role = models.CharField("职责", max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = verbose_name_plural = "机关职责授权"
        constraints = [
            models.CheckConstraint(
                condition=(Q(group__isnull=False) & Q(user__isnull=True))
                | (Q(group__isnull=True) & Q(user__isnull=False)),
                name="authority_role_group_xor_user",
            ),
            models.UniqueConstraint(
                fields=["group", "authority", "role"], name="unique_group_authority_role"
            ),
            models.UniqueConstraint(
                fields=["user", "authority", "role"], name="unique_user_authority_role"
            ),
        ]

    def __str__(self) -> str:
        holder = self.group.name if self.group_id else display_name(self.user)
        return f"{holder}：{self.authority}（{self.get_role_display()}）"


def _bindings(user, role: str):
    return AuthorityRole.objects.filter(role=role).filter(
        Q(user=user) | Q(group__in=user.groups.all())
    )


def has_role(user, role: str, authority) -> bool:
    """May `user` act as `role` for `authority` (an Authority or its pk)?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    authority_id = getattr(authority, "pk", authority)
    return _bindings(user, role).filter(authority_id=authority_id).exists()


def authorities_for(user, role: str):
    """The authorities `user` may act for in `role` (all of them for a superuser)."""
    # The model by relation, not import: website.models imports this module.
    Authority = AuthorityRole._meta.get_field("authority").related_model
    if user is None or not user.is_authenticated or not user.is_active:
        return Authority.objects.none()
    if user.is_superuser:
        return Authority.objects.all()
    ids = _bindings(user, role).values("authority_id")
    return Authority.objects.filter(pk__in=ids)


def display_name(user) -> str:
    """The actor as the audit trail names them: full name, else the login name."""
    if user is None:
        return "系统"
    return (user.get_full_name() or "").strip() or user.get_username()


# --- default groups ---------------------------------------------------------------------------

_role_permissions: dict[str, set[str]] = {role: set() for role in Role.values}


def register_role_permissions(role: str, permissions: list[str]) -> None:
    """Declare model permissions ("app_label.codename") the role's default group needs."""
    _role_permissions[role].update(permissions)


def ensure_role_groups() -> dict[str, object]:
    """Create the five Chinese groups with Wagtail admin access and their registered permissions.

    Idempotent; permissions of apps not migrated yet are skipped (the next migrate adds them).
    Binding a group to authorities is the administrator's choice (AuthorityRole).
    """
    from django.contrib.auth.models import Group, Permission

    groups = {}
    admin_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.group_name)
        wanted = []
        for dotted in sorted(_role_permissions[role]):
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        if admin_access is not None:
            wanted.append(admin_access)
        group.permissions.add(*wanted)
        groups[role] = group
    return groups


def forbid_with_403(view):
    """Answer a PermissionDenied raised by an admin action view with a real 403 page that says
    why, instead of Wagtail's redirect to the dashboard: a direct POST without the right is
    refused, visibly, and nothing changes."""
    import functools

    from django.core.exceptions import PermissionDenied
    from django.template.response import TemplateResponse

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            message = str(error) or "您没有执行此操作的权限。"
            return TemplateResponse(
                request, "website/admin/forbidden.html", {"message": message}, status=403
            )

    return wrapped


def guarded_path(route: str, view, name: str):
    """``path()`` to an admin action (a view function or class) behind :func:`forbid_with_403`."""
    from django.urls import path

    return path(
        route, forbid_with_403(view.as_view() if isinstance(view, type) else view), name=name
    )
