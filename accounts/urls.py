from django.contrib.auth.decorators import login_not_required
from django.urls import path

from accounts import sso, views
from accounts.views import invitation, users

app_name = "accounts"

urlpatterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    # Single sign-on: the callback is the redirect URI to register at the provider.
    path("accounts/sso/login/", login_not_required(sso.SignInView.as_view()), name="sso_login"),
    path("accounts/sso/callback/", login_not_required(sso.CallbackView.as_view()),
         name="sso_callback"),
    path("accounts/users/", users.users, name="users"),
    path("accounts/users/invite/", users.invite, name="user_invite"),
    path("accounts/users/<int:pk>/role/", users.set_role, name="user_role"),
    path("accounts/users/<int:pk>/deactivate/", users.deactivate_user, name="user_deactivate"),
    path("accounts/users/<int:pk>/reactivate/", users.reactivate_user, name="user_reactivate"),
    path("accounts/users/<int:pk>/new-link/", users.reinvite, name="user_reinvite"),
    path("accounts/invitation/<str:token>/", invitation.accept, name="invitation"),
]
