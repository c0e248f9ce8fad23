from django.apps import AppConfig
from django.db.models.signals import post_migrate


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "站点"

    def ready(self) -> None:
        import pagecache

        # Shown site-wide (authority names, series and specialties in every listing's filters).
        for name in ("Authority", "Series", "Specialty"):
            pagecache.register_model(self.get_model(name), everything=True)

        from website.signal_handlers import localise_builtin_names

        # Every app's post_migrate, not only ours: permissions are created app by app.
        post_migrate.connect(localise_builtin_names, dispatch_uid="website:localise_builtin_names")
        # The role groups follow every migrate: after each app's, so that app's permissions
        # (created by its own post_migrate handler) join them.
        post_migrate.connect(_ensure_role_groups, dispatch_uid="website.ensure_role_groups")


def _ensure_role_groups(sender, **kwargs) -> None:
    from website.roles import ensure_role_groups

    ensure_role_groups()
