"""Admin of approval documents and certificates (Wagtail ModelViewSets), and audit actions."""

from __future__ import annotations

from wagtail import hooks
from wagtail.log_actions import LogFormatter


@hooks.register("register_log_actions")
def register_approval_log_actions(actions):
    actions.register_action("approvals.issue", "签发", "已签发审批文件")

    @actions.register_action("approvals.revoke")
    class RevokeFormatter(LogFormatter):
        label = "撤销证书"

        def format_message(self, log_entry):
            return f"已撤销证书，原因：{log_entry.data.get('reason', '')}"
