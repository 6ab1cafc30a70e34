"""Signed-in users' own account: changing the password.

Changing it ends every other session of the user (their session hash no longer matches);
this browser stays signed in (Django's update_session_auth_hash, in PasswordChangeView).
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Password changed. Your other sessions are signed out.")
        return response
