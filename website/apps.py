from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "站点"

    def ready(self) -> None:
        import pagecache

        # Shown site-wide (authority names, series and specialties in every listing's filters).
        for name in ("Authority", "Series", "Specialty"):
            pagecache.register_model(self.get_model(name), everything=True)
