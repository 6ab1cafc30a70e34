"""The tracker connection form (credentials write-only: blank keeps the stored one) and the
"link an existing ticket" form."""

from django import forms
from django.db import transaction

from postmortems.models import Service
from trackers import crypto
from trackers.models import ServiceTracker, TrackerConnection

KEEP = "Set — leave empty to keep."


class TrackerConnectionForm(forms.ModelForm):
    token = forms.CharField(
        label="Token", required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Jira Cloud: an API token · Jira Data Center: a personal access token · "
                  "GitHub: a token with issues read/write · GitLab: a token with the api scope.")
    webhook_secret = forms.CharField(
        label="Webhook secret", required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="The same value goes into the tracker's webhook settings.")
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.all(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Their incidents' action items file tickets here. Leave empty and tick "
                  "“site-wide default” for every other incident.")

    class Meta:
        model = TrackerConnection
        fields = ["name", "kind", "base_url", "project", "issue_type", "email", "is_default"]
        widgets = {"base_url": forms.TextInput(attrs={"placeholder": "https://api.github.com"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_url"].required = False
        if self.instance.pk:
            self.fields["services"].initial = [link.service_id for link in
                                               self.instance.service_links.all()]
            for name, stored in (("token", self.instance.has_token),
                                 ("webhook_secret", self.instance.has_webhook_secret)):
                if stored:
                    self.fields[name].help_text = KEEP
                    self.fields[name].widget.attrs["placeholder"] = "set — leave empty to keep"

    def clean(self):
        data = super().clean()
        if not crypto.configured():
            raise forms.ValidationError(crypto.MISSING_KEY_MESSAGE)
        if not data.get("token") and not self.instance.has_token:
            self.add_error("token", "A token is needed to create and read issues.")
        if not data.get("webhook_secret") and not self.instance.has_webhook_secret:
            self.add_error("webhook_secret",
                           "A webhook secret is needed to check the tracker's deliveries.")
        taken = (ServiceTracker.objects.filter(service__in=data.get("services") or [])
                 .exclude(connection_id=self.instance.pk).select_related("service",
                                                                          "connection"))
        for link in taken:
            self.add_error("services", f"{link.service} files its tickets in "
                                       f"{link.connection.name} already.")
        return data

    def _get_validation_exclusions(self):
        # One default at a time: saving moves the mark here (save), so it is no error.
        return super()._get_validation_exclusions() | {"is_default"}

    def _post_clean(self):
        kind = self.cleaned_data.get("kind")
        if not self.cleaned_data.get("base_url") and kind in TrackerConnection.DEFAULT_URLS:
            self.cleaned_data["base_url"] = TrackerConnection.DEFAULT_URLS[kind]
        elif not self.cleaned_data.get("base_url") and "base_url" not in self.errors:
            self.add_error("base_url", "Give the Jira site's address, e.g. "
                                       "https://acme.atlassian.net.")
        super()._post_clean()

    @transaction.atomic
    def save(self, commit=True):
        connection = super().save(commit=False)
        if self.cleaned_data.get("token"):
            connection.token = self.cleaned_data["token"]
        if self.cleaned_data.get("webhook_secret"):
            connection.webhook_secret = self.cleaned_data["webhook_secret"]
        if connection.kind != TrackerConnection.Kind.JIRA_CLOUD:
            connection.email = ""
        if connection.is_default:  # the default moves here
            TrackerConnection.objects.filter(is_default=True).exclude(pk=connection.pk) \
                .update(is_default=False)
        connection.save()
        services = list(self.cleaned_data.get("services") or [])
        connection.service_links.exclude(service__in=services).delete()
        have = set(connection.service_links.values_list("service_id", flat=True))
        ServiceTracker.objects.bulk_create(
            [ServiceTracker(service=s, connection=connection) for s in services
             if s.pk not in have])
        return connection


class LinkTicketForm(forms.Form):
    reference = forms.CharField(
        label="Existing ticket", max_length=300,
        help_text="A key like OPS-123, an issue number like 42, or the issue's URL.")
