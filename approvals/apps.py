from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "审批文件与证书"

    def ready(self) -> None:
        import pagecache
        from website import health

        from . import checks  # noqa: F401  (registers the KEK deployment check)
        from .crypto.crl import verify_kek

        # /healthz: the KEK must decrypt the CA's key (no CA yet is healthy: it is created on
        # first use).
        health.register("keys", verify_kek)

        # An issued document appears on the approvals index; a revocation changes what
        # verification by number says (the "verify" group).
        index = self.get_model("ApprovalIndexPage")
        pagecache.register_model(self.get_model("ApprovalDocument"), page_types=[index])
        pagecache.register_model(
            self.get_model("Certificate"),
            page_types=[index],
            groups=[pagecache.CONTENT_GROUP, pagecache.VERIFY_GROUP],
        )
