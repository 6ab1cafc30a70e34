import contextlib

from django.core.management.base import BaseCommand, CommandError

from slos.workload import run_forever


class Command(BaseCommand):
    help = ("Run the demo workload exporter: http_requests_total{status} and the "
            "http_request_duration_seconds histogram of a simulated service.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=9101)
        parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
        parser.add_argument("--error-ratio", type=float, default=0.0005,
                            help="share of requests that fail with a 500, 0..1")
        parser.add_argument("--latency", type=float, default=0.08, help="seconds per request")
        parser.add_argument("--slow-ratio", type=float, default=0.002,
                            help="share of requests that take --slow-latency")
        parser.add_argument("--slow-latency", type=float, default=1.0)

    def handle(self, *args, **options):
        for name in ("error_ratio", "slow_ratio"):
            if not 0 <= options[name] <= 1:
                raise CommandError(f"--{name.replace('_', '-')} must be between 0 and 1")
        if options["rate"] < 0 or options["latency"] < 0:
            raise CommandError("--rate and --latency cannot be negative")
        self.stdout.write(f"demo workload on http://{options['host']}:{options['port']}/metrics")
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            run_forever(options["port"], options["host"], rate=options["rate"],
                        error_ratio=options["error_ratio"], latency=options["latency"],
                        slow_ratio=options["slow_ratio"], slow_latency=options["slow_latency"])
