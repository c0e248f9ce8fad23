from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = "评审结果公示"

    def ready(self) -> None:
        import pagecache

        # Entries edited in a live page show at once (a roster import, a bulk_create, purges
        # itself); the working-day calendar changes every running publicity's end date.
        pagecache.register_model(self.get_model("PublicityEntry"))
        pagecache.register_model(self.get_model("CalendarDay"), everything=True)

        from wagtail.signals import page_published, page_unpublished

        from website.roles import Role, register_role_permissions

        from . import signals
        from .integrity import PublicityPageForm

        # Refuses a backdated start and date changes once public (publicity.integrity); the
        # scheduler's own publish at the start goes through the model, not this form.
        self.get_model("PublicityPage").base_form_class = PublicityPageForm

        # The real go-live and take-down moments (publicity.integrity).
        page_published.connect(signals.on_page_published, dispatch_uid="publicity.went_live")
        page_unpublished.connect(signals.on_page_unpublished, dispatch_uid="publicity.taken_down")
        register_role_permissions(
            Role.OBJECTIONS,
            [
                "publicity.view_objection",
                "publicity.change_objection",
                "publicity.view_publicityentry",
            ],
        )
        register_role_permissions(
            Role.CALENDAR,
            [
                "publicity.add_calendarday",
                "publicity.change_calendarday",
                "publicity.delete_calendarday",
                "publicity.view_calendarday",
            ],
        )
        register_role_permissions(
            Role.PREPARE, ["publicity.view_publicityentry", "publicity.change_publicityentry"]
        )
