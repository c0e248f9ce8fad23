from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "审批文件与证书"

    def ready(self) -> None:
        import pagecache

        # An issued document appears on the approvals index; a revocation changes what
        # verification by number says (the "verify" group).
        index = self.get_model("ApprovalIndexPage")
        pagecache.register_model(self.get_model("ApprovalDocument"), page_types=[index])
        pagecache.register_model(
            self.get_model("Certificate"),
            page_types=[index],
            groups=[pagecache.CONTENT_GROUP, pagecache.VERIFY_GROUP],
        )

        from django.db.models.signals import post_save

        from website.roles import Role, register_role_permissions

        from . import signals

        post_save.connect(
            signals.on_signing_key_saved,
            sender=self.get_model("SigningKey"),
            dispatch_uid="approvals.key_audit",
        )

        # Default groups (website.roles.ensure_role_groups); the authority scope comes from
        # AuthorityRole bindings, the two-person rule from approvals.issuing.process.
        register_role_permissions(
            Role.PREPARE,
            [
                "approvals.add_approvaldocument",
                "approvals.change_approvaldocument",
                "approvals.delete_approvaldocument",
                "approvals.view_approvaldocument",
                "approvals.view_certificate",
            ],
        )
        register_role_permissions(
            Role.ISSUE, ["approvals.view_approvaldocument", "approvals.view_certificate"]
        )
        register_role_permissions(
            Role.REVOKE, ["approvals.view_certificate", "approvals.view_approvaldocument"]
        )
