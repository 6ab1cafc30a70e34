from accounts.models.tokens import KEY_PREFIX, ApiToken, key_digest
from accounts.models.users import (
    Invitation,
    InvitationInvalid,
    SignInRefused,
    SsoIdentity,
    UserEvent,
)

__all__ = ["KEY_PREFIX", "ApiToken", "Invitation", "InvitationInvalid", "SignInRefused",
           "SsoIdentity", "UserEvent", "key_digest"]
