from django.apps import AppConfig
from django.contrib.staticfiles import apps as staticfiles


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = "Site"


class StaticFilesConfig(staticfiles.StaticFilesConfig):
    """collectstatic leaves out axe-core: a test asset (the browser tests read it from the
    repository), never served by the site."""

    default = False  # "config" itself is ConfigConfig
    ignore_patterns = [*staticfiles.StaticFilesConfig.ignore_patterns, "vendor/axe-core/*"]
