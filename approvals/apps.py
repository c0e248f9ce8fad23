from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "审批文件与证书"

    def ready(self) -> None:
        import pagecache

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
