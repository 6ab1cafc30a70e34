"""Labels every alert of a service's SLOs carries, for routing (team, pager, tier)."""

from django.core.exceptions import ValidationError
from django.db import models

from slos import alerting


class ServiceAlertLabels(models.Model):
    service = models.OneToOneField("postmortems.Service", on_delete=models.CASCADE,
                                   related_name="slo_alert_labels")
    labels = models.JSONField(default=dict, blank=True,
                              help_text='e.g. {"team": "payments", "pager": "payments-oncall"}')

    class Meta:
        verbose_name = "service alert labels"
        verbose_name_plural = "service alert labels"

    def __str__(self):
        return f"{self.service} alert labels"

    def clean(self):
        errors = alerting.label_errors(self.labels)
        if errors:
            raise ValidationError({"labels": errors})

    @classmethod
    def for_services(cls, service_ids):
        """{service id: labels} in one query."""
        return dict(cls.objects.filter(service_id__in=service_ids)
                    .values_list("service_id", "labels"))
