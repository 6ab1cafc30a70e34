from accounts.views.profile import PasswordChangeView, profile, revoke_token

__all__ = ["PasswordChangeView", "profile", "revoke_token"]
