from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = "评审结果公示"

    def ready(self) -> None:
        import pagecache

        from . import calendar_store, workdays

        workdays.use_store(calendar_store)

        # Entries edited in a live page show at once (a roster import, a bulk_create, purges
        # itself); the working-day calendar (a year confirmed or sent back to draft, a day edited)
        # changes every running publicity's end date.
        pagecache.register_model(self.get_model("PublicityEntry"))
        pagecache.register_model(self.get_model("CalendarYear"), everything=True)
        pagecache.register_model(self.get_model("CalendarDay"), everything=True)

        from wagtail.signals import page_published, page_unpublished

        publicity_page = self.get_model("PublicityPage")
        page_published.connect(
            _purge_notice, sender=publicity_page, dispatch_uid="publicity:purge-notice:published"
        )
        page_unpublished.connect(
            _purge_notice, sender=publicity_page, dispatch_uid="publicity:purge-notice:unpublished"
        )
        page_published.connect(
            _announce_publicity, sender=publicity_page, dispatch_uid="publicity:announce"
        )

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
                # publicity.permissions.CalendarPermissionPolicy asks for this one permission.
                "publicity.maintain_calendar",
                "publicity.add_calendaryear",
                "publicity.change_calendaryear",
                "publicity.view_calendaryear",
                "publicity.add_calendarday",
                "publicity.change_calendarday",
                "publicity.delete_calendarday",
                "publicity.view_calendarday",
            ],
        )
        register_role_permissions(
            Role.PREPARE, ["publicity.view_publicityentry", "publicity.change_publicityentry"]
        )


def _purge_notice(sender, instance, **kwargs) -> None:
    """A notice lists the publicities of its round: one published or ended changes it."""
    import pagecache

    if instance.notice_id:
        pagecache.purge_page(instance.notice)


def _announce_publicity(sender, instance, **kwargs) -> None:
    """Subscribers hear of a publicity when it goes live (once; not again when it ends)."""
    from subscriptions.service import announce_page, series_ids_named

    if instance.has_ended:
        return
    names = instance.entries.values_list("series", flat=True)
    announce_page(
        "publicity", instance, series_ids=series_ids_named(names), summary=instance.period_label
    )
