from django.core.management.base import BaseCommand

from slos import rules
from slos.models import SLO


class Command(BaseCommand):
    help = "Print the Prometheus recording and alerting rules generated for every SLO."

    def handle(self, *args, **options):
        self.stdout.write(rules.to_yaml(SLO.objects.select_related("service")), ending="")
