from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "审批文件与证书"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        import pagecache
        from website import health

        from . import checks  # noqa: F401  (registers the KEK deployment check)
        from .crypto.crl import verify_kek

        # /healthz: the KEK must decrypt the CA's key (no CA yet is healthy: it is created on
        # first use).
        health.register("keys", verify_kek)

        post_save.connect(
            _announce_document,
            sender=self.get_model("ApprovalDocument"),
            dispatch_uid="approvals:announce",
        )

        # An issued document appears on the approvals index; a revocation changes what
        # verification by number says (the "verify" group).
        index = self.get_model("ApprovalIndexPage")
        # …and on its round's pages: its publicity (the foreign key) and that publicity's notice.
        pagecache.register_model(
            self.get_model("ApprovalDocument"), page_types=[index], urls=_round_notice_urls
        )
        pagecache.register_model(
            self.get_model("Certificate"),
            page_types=[index],
            groups=[pagecache.CONTENT_GROUP, pagecache.VERIFY_GROUP],
        )

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


def _round_notice_urls(document) -> list[str]:
    """The notice of the publicity a document came from (it lists the document)."""
    from publicity.models import PublicityPage

    if not document.source_publicity_id:
        return []
    publicity = (
        PublicityPage.objects.filter(pk=document.source_publicity_id)
        .select_related("notice")
        .first()
    )
    if publicity is None or publicity.notice is None:
        return []
    return [publicity.notice.url]


def _announce_document(sender, instance, **kwargs) -> None:
    """Subscribers hear of a document once it is issued (the key keeps it to one mail)."""
    from approvals.models import DocumentStatus
    from subscriptions.service import Announcement, announce, base_url, series_ids_named
    from website.formatting import cn_date

    if kwargs.get("raw") or instance.status != DocumentStatus.ISSUED:
        return
    announce(
        Announcement.of(
            "document",
            instance,
            title=f"{instance.number} {instance.title}",
            url=base_url() + (instance.get_absolute_url() or "/approvals/"),
            series_ids=series_ids_named(instance.persons.values_list("series", flat=True)),
            summary=f"{instance.authority.name}，成文日期 {cn_date(instance.date)}",
        )
    )
