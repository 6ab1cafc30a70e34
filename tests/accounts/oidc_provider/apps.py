from django.apps import AppConfig


class ExampleProviderConfig(AppConfig):
    name = "tests.accounts.oidc_provider"
    label = "example_idp"  # "oidc_provider" is django-oidc-provider's own
    default_auto_field = "django.db.models.BigAutoField"
