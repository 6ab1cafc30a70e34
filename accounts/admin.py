from django.contrib import admin

from accounts.models import ApiToken, SsoIdentity, UserEvent


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "scope", "created_at", "last_used_at"]
    list_filter = ["scope"]
    readonly_fields = ["key_digest"]


@admin.register(UserEvent)
class UserEventAdmin(admin.ModelAdmin):
    """What was done to accounts (the users page and single sign-on): read only."""

    list_display = ["at", "user", "action", "detail", "actor"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "issuer", "subject", "created_at"]
    readonly_fields = ["issuer", "subject"]
