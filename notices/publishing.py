"""What publishing a notice does to the template pages its attachments point to."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TemplatePublishing:
    published: list[str] = field(default_factory=list)  # drafts published with the notice
    not_allowed: list[str] = field(default_factory=list)  # drafts the user may not publish


def publish_draft_templates(notice, user) -> TemplatePublishing:
    """Publish the unpublished template pages a live notice links to, where `user` may.

    A notice online with its templates still drafts shows 「（文件待补充）」 where a download
    should be; publishing the notice is the moment its templates are meant to go out too.
    Templates the user may not publish are listed so the editor is told, not silently left.
    """
    result = TemplatePublishing()
    for attachment in notice.attachments.select_related("template_page"):
        page = attachment.template_page
        if page is None or page.live:
            continue
        page = page.specific
        if user is None or not page.permissions_for_user(user).can_publish():
            result.not_allowed.append(page.title)
            continue
        revision = page.get_latest_revision() or page.save_revision(user=user)
        revision.publish(user=user)
        result.published.append(page.title)
    return result
