"""The optimistic-version rule of the pages (postmortems.revisions.concurrency), for the API.

A change (PUT/PATCH) names the ``version`` it is based on; it goes through ``save_versioned``,
so a stale change to other fields is merged and a stale change to the same field is refused
with 409, the current object (``current``, theirs) beside what was sent (``yours``), and kept as
an EditConflict. A DELETE may name ``?version=``: a stale delete is refused with 409 too.
Model rules (``clean()``) apply to API input as they do to forms.
"""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from api.errors import field_errors
from postmortems.revisions.concurrency import create_tracked, save_versioned

VERSION_HELP = ("The version this change is based on (read it from the object). Required to "
                "change an object; a stale version gets 409 when the same field changed.")


class VersionedSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                       help_text=VERSION_HELP)

    # Fields that may be set when creating and never changed afterwards (the parent).
    create_only_fields = ()

    def get_fields(self):
        fields = super().get_fields()
        if isinstance(self.instance, self.Meta.model):
            for name in self.create_only_fields:
                fields[name].read_only = True
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and attrs.get("version") is None:
            raise serializers.ValidationError(
                {"version": ["Send the version your change is based on (the object's "
                             "current version when you read it)."]})
        self.check_model_rules(attrs)
        return attrs

    def check_model_rules(self, attrs):
        """The model's clean() on the object as it would be saved."""
        model = self.Meta.model
        plain = {name: value for name, value in attrs.items()
                 if name != "version" and not model._meta.get_field(name).many_to_many}
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in plain.items():
            setattr(candidate, name, value)
        try:
            candidate.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        for name in plain:  # as clean() left them (it may normalise a value)
            attrs[name] = getattr(candidate, name)

    def create(self, validated_data):
        validated_data.pop("version", None)
        model = self.Meta.model
        m2m = {name: validated_data.pop(name) for name in list(validated_data)
               if model._meta.get_field(name).many_to_many}
        instance = create_tracked(model(**validated_data))
        for name, value in m2m.items():
            getattr(instance, name).set(value)
        return instance

    def update(self, instance, validated_data):
        base = validated_data.pop("version")
        request = self.context.get("request")
        return save_versioned(instance, base, validated_data,
                              user=getattr(request, "user", None), reason="changed by API")
