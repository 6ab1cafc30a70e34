from django.apps import AppConfig


class SlosConfig(AppConfig):
    name = "slos"
    verbose_name = "Service level objectives"
