#!/usr/bin/env bash
# Started by `make run`: the web server, a Celery worker, Celery beat and, when it is
# installed, a Prometheus scraping the site. Ctrl-C stops everything started here.
set -u
BIN=.venv/bin
PORT=${PORT:-8000}
PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
WORKLOAD_PORT=${WORKLOAD_PORT:-9101}
export PROMETHEUS_URL=${PROMETHEUS_URL:-http://127.0.0.1:$PROMETHEUS_PORT}
mkdir -p var/prometheus var/celery/queue var/celery/processed var/celery/results

stop() {
  trap - INT TERM EXIT
  kill $(jobs -p) 2>/dev/null
  wait 2>/dev/null
  echo "stopped."
}
trap stop INT TERM EXIT

$BIN/celery -A config worker --loglevel=INFO --concurrency=2 &
$BIN/celery -A config beat --loglevel=INFO &

# The demo workload the demo SLOs measure (http_requests_total and a latency histogram).
$BIN/python manage.py demo_workload --port "$WORKLOAD_PORT" &

if command -v prometheus >/dev/null; then
  # Recording and alerting rules of the SLOs; rule_files paths are relative to the config.
  $BIN/python manage.py slo_rules >var/prometheus/slo-rules.yml
  $BIN/python manage.py prometheus_config --site "127.0.0.1:$PORT" \
    --workload "127.0.0.1:$WORKLOAD_PORT" --rules slo-rules.yml >var/prometheus/prometheus.yml
  prometheus --config.file=var/prometheus/prometheus.yml --storage.tsdb.path=var/prometheus/data \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --log.level=warn &
  echo "Prometheus on http://127.0.0.1:$PROMETHEUS_PORT"
else
  echo "prometheus is not installed: SLO panels will show no data (apt-get install prometheus, brew install prometheus)."
fi

$BIN/python manage.py runserver "127.0.0.1:$PORT" &
wait
