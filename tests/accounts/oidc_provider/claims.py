from django.utils.translation import gettext_lazy as _
from oidc_provider.lib.claims import ScopeClaims


def groups_of(user):
    return sorted(user.groups.values_list("name", flat=True))


def userinfo(claims, user):
    claims.update(preferred_username=user.username, email=user.email, email_verified=True,
                  given_name=user.first_name, family_name=user.last_name,
                  name=user.get_full_name())
    return claims


def add_groups(id_token, user, token, request, **kwargs):
    id_token["groups"] = groups_of(user)
    return id_token


class GroupsClaims(ScopeClaims):
    info_groups = (_("Groups"), _("The groups you are in."))

    def scope_groups(self):
        return {"groups": groups_of(self.user)}
