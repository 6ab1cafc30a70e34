from django import forms

from accounts.models import ApiToken


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "scope"]
        widgets = {"scope": forms.RadioSelect}
        help_texts = {"scope": "Read: look things up. Read and write: also change what you "
                               "may change on the pages."}


ROLE_CHOICES = [("viewer", "Viewer: reads everything"),
                ("editor", "Editor: writes incidents, postmortems, SLOs"),
                ("admin", "Admin: also deletes and manages users")]


class InviteForm(forms.Form):
    email = forms.EmailField(label="E-mail", max_length=254)
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial="editor")


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=[(value, value.capitalize()) for value, _ in ROLE_CHOICES])
