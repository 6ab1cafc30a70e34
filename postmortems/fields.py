"""Form fields of their own: UTC date-times and dates typed as text (never the browser's
locale pickers), and the people picker that writes its options in one pass."""

from datetime import UTC, date, datetime

from django import forms
from django.contrib.auth import get_user_model
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html, format_html_join

from postmortems import dates
from postmortems.people import active_users, name_from

UTC_INPUT_FORMATS = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]


class UTCDateTimeInput(forms.DateTimeInput):
    """A text input for a UTC time typed as ``YYYY-MM-DD HH:MM[:SS]``, 24-hour, whatever the
    browser's locale (Chromium's datetime-local picker follows the OS: AM/PM, and a Tab after
    the year). Seconds are shown when they are not zero."""

    cacheable = True  # its HTML comes from name, value, attrs (templatetags: as_field)
    input_type = "text"
    PATTERN = r"\s*\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?\s*(Z|UTC)?\s*"

    def __init__(self, attrs=None):
        super().__init__(attrs={
            "placeholder": "YYYY-MM-DD HH:MM", "pattern": self.PATTERN,
            "title": "UTC, 24-hour: YYYY-MM-DD HH:MM (seconds optional)",
            "autocomplete": "off", "spellcheck": "false",
            **(attrs or {})}, format="%Y-%m-%d %H:%M:%S")

    def format_value(self, value):
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
        return super().format_value(value)


class UTCDateTimeField(forms.DateTimeField):
    """A UTC time typed as YYYY-MM-DD HH:MM[:SS] (a "T" in place of the space, as ISO-8601 and
    datetime-local write it, and a trailing "Z" or "UTC" are accepted too), kept to the
    second."""

    widget = UTCDateTimeInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", UTC_INPUT_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("UTC").removesuffix("Z").strip()
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(microsecond=0)
        for fmt in self.input_formats:
            try:
                parsed = datetime.strptime(value, fmt) if value else None
            except (ValueError, TypeError):
                continue
            return parsed.replace(tzinfo=UTC) if parsed else None
        if value in self.empty_values:
            return None
        raise forms.ValidationError(
            "Enter a UTC date and time as YYYY-MM-DD HH:MM[:SS].", code="invalid"
        )

    def prepare_value(self, value):
        return value


class UTCDateInput(forms.DateInput):
    """A text input for a date typed as YYYY-MM-DD (or 15 Dec, +7d, next week: dates.py), not
    the browser's locale date picker."""

    cacheable = True  # its HTML comes from name, value, attrs (templatetags: as_field)
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={
            "placeholder": dates.FORMAT_HINT, "title": f"UTC: {dates.ACCEPTED}",
            "autocomplete": "off", "spellcheck": "false", "inputmode": "text", **(attrs or {})},
            format="%Y-%m-%d")


class UTCDateField(forms.DateField):
    """A UTC date typed as people type it (postmortems.dates); shown as YYYY-MM-DD."""

    widget = UTCDateInput

    def to_python(self, value):
        if isinstance(value, date):
            return value
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return dates.parse_date(value, timezone.now().astimezone(UTC).date())
        except ValueError as reason:
            raise forms.ValidationError(
                "Enter a date as %(accepted)s: %(reason)s.", code="invalid",
                params={"accepted": dates.ACCEPTED, "reason": reason}) from None


def user_choices(empty_label="— nobody yet —", users=None):
    """[(pk, name)] of active users, one query (none given ``users``, people.active_users
    already read); pass to the forms of a page."""
    return [("", empty_label)] + [
        (str(pk), name_from(username, first_name, last_name))
        for pk, username, first_name, last_name in (active_users() if users is None else users)
    ]


class UserSelect(forms.Select):
    """A select of every active user, its options written in one pass: Django's own renders
    one template per option, 6.5 ms a select at 200 users (a third of the editor's action
    section, and paid again by every row of a review meeting's action items)."""

    cacheable = True  # its HTML comes from name, value, attrs, choices (templatetags: as_field)

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "\n", '<option value="{}"{}>{}</option>',
            ((option["value"], flatatt(option["attrs"]), option["label"])
             for _group, group_options, _index in widget["optgroups"]
             for option in group_options))
        return format_html('<select name="{}"{}>\n{}\n</select>', name,
                           flatatt(widget["attrs"]), options)


class UserChoices(BaseChoiceIterator):
    """user_choices' list, given to a field as it is: it is in Django's normal form already
    ((value, label) strings), which Django would check again item by item on the field and
    on its widget (0.7 ms a form at 200 users)."""

    def __init__(self, choices):
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)


class UserChoiceField(forms.TypedChoiceField):
    """The user picker: active users by name, from a precomputed choice list (user_choices);
    cleans to the user (or None)."""

    widget = UserSelect

    def __init__(self, *, choices, **kwargs):
        super().__init__(choices=UserChoices(choices), coerce=int, empty_value=None, **kwargs)

    def clean(self, value):
        pk = super().clean(value)
        if pk is None:
            return None
        user = get_user_model().objects.filter(pk=pk, is_active=True).first()
        if user is None:
            raise forms.ValidationError("Pick an active user.", code="invalid_choice")
        return user

    def prepare_value(self, value):
        return getattr(value, "pk", value)
