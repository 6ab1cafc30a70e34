from django import forms

from postmortems.models import Service
from postmortems.revisions.concurrency import VersionedFormMixin
from slos.formats import choice
from slos.models import SLO, DataSource


class SLOForm(VersionedFormMixin, forms.ModelForm):
    runbook_url = forms.URLField(label="Runbook URL", required=False, max_length=500,
                                 assume_scheme="https",
                                 help_text="Linked from every alert of this SLO.")

    class Meta:
        model = SLO
        fields = ["service", "name", "description", "kind", "data_source", "good_query",
                  "total_query", "target", "window", "fast_burn_rate", "slow_burn_rate",
                  "fast_ticket_burn_rate", "ticket_burn_rate", "fast_severity", "slow_severity",
                  "fast_ticket_severity", "ticket_severity",
                  "exhausted_severity", "no_data_severity", "min_events", "runbook_url",
                  "alert_labels"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "alert_labels": forms.Textarea(attrs={"rows": 1, "class": "font-monospace",
                                                  "spellcheck": "false"}),
            "good_query": forms.Textarea(attrs={"rows": 2, "class": "font-monospace",
                                                "spellcheck": "false"}),
            "total_query": forms.Textarea(attrs={"rows": 2, "class": "font-monospace",
                                                 "spellcheck": "false"}),
            "target": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal",
                                               "aria-describedby": "target-note"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].widget.attrs.pop("max", None)
        self.fields["data_source"].empty_label = None
        for name in self.OPTIONAL_WITH_DEFAULT:
            self.fields[name].required = False
        if not self.instance.pk and not self.initial.get("data_source"):
            first = DataSource.objects.order_by("pk").first()
            if first:
                self.initial["data_source"] = first.pk

    OPTIONAL_WITH_DEFAULT = ("fast_ticket_severity", "exhausted_severity", "no_data_severity")

    def clean(self):
        cleaned = super().clean()
        for name in self.OPTIONAL_WITH_DEFAULT:  # not sent: the model's default
            if not cleaned.get(name):
                cleaned[name] = SLO._meta.get_field(name).default
        return cleaned

    def clean_alert_labels(self):
        return self.cleaned_data.get("alert_labels") or {}


class DataSourceForm(forms.ModelForm):
    """Secrets are write-only: never rendered back; blank keeps the stored one."""

    class Meta:
        model = DataSource
        fields = ["name", "url", "auth", "bearer_token", "username", "password",
                  "timeout_seconds"]
        widgets = {
            "bearer_token": forms.PasswordInput(render_value=False,
                                                attrs={"autocomplete": "off"}),
            "password": forms.PasswordInput(render_value=False,
                                            attrs={"autocomplete": "new-password"}),
        }

    SECRETS = ("bearer_token", "password")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.SECRETS:
            self.fields[name].required = False
            if self.instance.pk and getattr(self.instance, name):
                self.fields[name].help_text = "A value is stored. Leave blank to keep it."
        self._stored = {name: getattr(self.instance, name) for name in self.SECRETS}

    def _post_clean(self):
        # Blank secret fields keep what is stored, before the model's own validation.
        for name in self.SECRETS:
            if not self.cleaned_data.get(name) and self._stored[name]:
                self.cleaned_data[name] = self._stored[name]
        super()._post_clean()

    def save(self, commit=True):
        source = super().save(commit=False)
        if source.auth != DataSource.Auth.BEARER:
            source.bearer_token = ""
        if source.auth != DataSource.Auth.BASIC:
            source.username = source.password = ""
        if commit:
            source.save()
        return source


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        label="Format", initial=choice.AUTO, required=False,
        choices=[(choice.AUTO, "Detect from the file (apiVersion: openslo/v1, "
                               'version: "prometheus/v1", else the definition template)'),
                 *choice.FORMATS.items()])
    service = forms.ModelChoiceField(
        queryset=None, required=False, label="Service",
        help_text="For entries that name no service (the definition template and Sloth; "
                  "OpenSLO names it in spec.service).")
    file = forms.FileField(required=False, label="YAML file",
                           help_text="The SLO definition template (see Export), OpenSLO v1 "
                                     "or a Sloth prometheus/v1 spec.")
    text = forms.CharField(required=False, label="…or paste YAML",
                           widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace",
                                                        "spellcheck": "false"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.all()

    def clean_format(self):
        return self.cleaned_data.get("format") or choice.AUTO

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            from slos.formats import safe_yaml

            if upload.size > safe_yaml.MAX_BYTES:
                raise forms.ValidationError({"file": (
                    f"The file is {upload.size / 1_000_000:.1f} MB; the limit is "
                    f"{safe_yaml.MAX_BYTES / 1_000_000:.1f} MB.")})
            try:
                cleaned["yaml"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError({"file": "The file is not UTF-8 text."}) from None
        elif cleaned.get("text", "").strip():
            cleaned["yaml"] = cleaned["text"]
        else:
            raise forms.ValidationError("Choose a file or paste the YAML.")
        return cleaned
