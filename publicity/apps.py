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
