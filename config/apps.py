from django.apps import AppConfig
from django.contrib.staticfiles import apps as staticfiles


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = "Site"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from config.sessions import mark_refreshed_at_login

        user_logged_in.connect(mark_refreshed_at_login, dispatch_uid="config.sessions.refresh")


class StaticFilesConfig(staticfiles.StaticFilesConfig):
    """collectstatic leaves out axe-core: a test asset (the browser tests read it from the
    repository), never served by the site."""

    default = False  # "config" itself is ConfigConfig
    ignore_patterns = [*staticfiles.StaticFilesConfig.ignore_patterns, "vendor/axe-core/*"]
