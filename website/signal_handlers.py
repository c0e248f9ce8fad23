"""Chinese names for what Django and Wagtail create in English at migrate time.

Permission names ("Can add page"), Wagtail's default groups (Editors, Moderators), its default
workflow ("Moderators approval") and the page tree's root ("Root") are rows, not translatable strings: they are renamed after every
migrate, idempotently, so an editor never meets them in English.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import translation

ACTIONS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}
# Wagtail's own permissions that are not add/change/delete/view.
CUSTOM_PERMISSIONS = {
    "access_admin": "可以访问管理后台",
    "choose_document": "可以选用文档",
    "choose_image": "可以选用图片",
    "submit_translation": "可以提交翻译",
    "publish_page": "可以发布任何页面",
    "bulk_delete_page": "可以删除页面及其子页面",
    "lock_page": "可以锁定页面",
    "unlock_page": "可以解锁任何页面",
}
GROUPS = {"Editors": "编辑", "Moderators": "审核员"}
WORKFLOW_NAMES = {"Moderators approval": "审核员审批"}
ROOT_TITLE = "根目录"


def permission_name(action: str, verbose_name: str) -> str:
    return f"可以{ACTIONS[action]}{verbose_name}"


def localise_builtin_names(sender=None, using: str = "default", **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    with translation.override("zh-hans"):
        stale = (
            Permission.objects.using(using)
            .filter(Q(name__startswith="Can ") | Q(codename__in=CUSTOM_PERMISSIONS))
            .exclude(name__in=CUSTOM_PERMISSIONS.values())
        )
        for permission in stale.select_related("content_type"):
            action = permission.codename.split("_", 1)[0]
            model = permission.content_type.model_class()
            if permission.codename in CUSTOM_PERMISSIONS:
                permission.name = CUSTOM_PERMISSIONS[permission.codename]
            elif action in ACTIONS and model is not None:
                permission.name = permission_name(action, str(model._meta.verbose_name))[:255]
            else:
                continue
            permission.save(update_fields=["name"])
    for english, chinese in GROUPS.items():
        if not Group.objects.using(using).filter(name=chinese).exists():
            Group.objects.using(using).filter(name=english).update(name=chinese)
    _rename_workflows(using)
    _rename_tree_root(using)


def _rename_tree_root(using: str) -> None:
    from wagtail.models import Page

    Page.objects.using(using).filter(depth=1, title="Root").update(
        title=ROOT_TITLE, draft_title=ROOT_TITLE
    )


def _rename_workflows(using: str) -> None:
    try:
        from wagtail.models import Task, Workflow
    except ImportError:  # pragma: no cover - Wagtail always has them
        return
    for english, chinese in WORKFLOW_NAMES.items():
        Workflow.objects.using(using).filter(name=english).update(name=chinese)
        Task.objects.using(using).filter(name=english).update(name=chinese)
