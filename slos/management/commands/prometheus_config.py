import yaml
from django.core.management.base import BaseCommand


def prometheus_config(site, rules_file=None, workload=None, scrape_interval="15s"):
    """A Prometheus configuration that scrapes the site's /metrics (and the demo workload)."""
    scrape_configs = [{"job_name": "postmortems", "metrics_path": "/metrics",
                       "static_configs": [{"targets": [site]}]}]
    if workload:
        scrape_configs.append({"job_name": "demo-workload",
                               "static_configs": [{"targets": [workload]}]})
    config = {
        "global": {"scrape_interval": scrape_interval, "evaluation_interval": scrape_interval},
        "scrape_configs": scrape_configs,
    }
    if rules_file:
        config["rule_files"] = [rules_file]
    return config


class Command(BaseCommand):
    help = "Print a prometheus.yml that scrapes this site (used by `make run`)."

    def add_arguments(self, parser):
        parser.add_argument("--site", default="127.0.0.1:8000", help="host:port of this site")
        parser.add_argument("--workload", help="host:port of the demo workload exporter")
        parser.add_argument("--rules", help="path of the generated SLO rules file to load")
        parser.add_argument("--scrape-interval", default="15s")

    def handle(self, *args, **options):
        config = prometheus_config(options["site"], options["rules"], options["workload"],
                                   options["scrape_interval"])
        self.stdout.write(yaml.safe_dump(config, sort_keys=False))
