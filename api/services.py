"""/api/v1/services/: the service catalogue, read-only (it is kept in the admin)."""

from rest_framework import serializers

from api.base import ReadOnlyResourceViewSet
from postmortems.models import Service


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "name", "slug", "description", "team"]


class ServiceViewSet(ReadOnlyResourceViewSet):
    serializer_class = ServiceSerializer
    queryset = Service.objects.all()
    lookup_field = "slug"
