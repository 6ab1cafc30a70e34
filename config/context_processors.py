from django.conf import settings

from accounts.roles import ADMIN, has_role


def site(request):
    return {
        "site_title": settings.SITE_NAME,
        # Called only by a template that asks (the navigation's Trash, an incident's Delete).
        "user_is_admin": lambda: has_role(getattr(request, "user", None), ADMIN),
    }
