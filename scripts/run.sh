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

# The demo workload the demo SLOs measure (http_requests_total and a latency histogram).
$BIN/python manage.py demo_workload --port "$WORKLOAD_PORT" &
# The site first: on a first start the SLO pages say "collecting data" until the backfill
# below is in Prometheus and polled.
$BIN/celery -A config worker --loglevel=INFO --concurrency=2 &
$BIN/celery -A config beat --loglevel=INFO &
$BIN/python manage.py runserver "127.0.0.1:$PORT" &

FIRST_START=0
if command -v prometheus >/dev/null; then
  if [ ! -d var/prometheus/data ] && command -v promtool >/dev/null; then
    # First start: 40 days of the demo workload's past (the 28-day window of the demo
    # incident 9 days ago, and a margin), the demo incidents as error spikes.
    FIRST_START=1
    echo "Backfilling 40 days of demo history into Prometheus…"
    $BIN/python manage.py demo_history --openmetrics --instance "127.0.0.1:$WORKLOAD_PORT" \
      >var/prometheus/history.om
    # 10-day blocks: four files instead of forty, a quarter of the time.
    promtool tsdb create-blocks-from openmetrics --max-block-duration=240h \
      var/prometheus/history.om var/prometheus/data >/dev/null && rm var/prometheus/history.om
  fi
  # Recording and alerting rules of the SLOs; rule_files paths are relative to the config.
  $BIN/python manage.py slo_rules >var/prometheus/slo-rules.yml
  $BIN/python manage.py prometheus_config --site "127.0.0.1:$PORT" \
    --workload "127.0.0.1:$WORKLOAD_PORT" --rules slo-rules.yml >var/prometheus/prometheus.yml
  prometheus --config.file=var/prometheus/prometheus.yml --storage.tsdb.path=var/prometheus/data \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --storage.tsdb.retention.time=60d \
    --log.level=warn &
  echo "Prometheus on http://127.0.0.1:$PROMETHEUS_PORT"
  if [ "$FIRST_START" = 1 ]; then
    # The polls the beat job would have made over the last 28 days, in the background while
    # the site starts (the SLO page says "collecting data" until they are stored).
    $BIN/python manage.py demo_history --poll-past &
  fi
else
  echo "prometheus is not installed: SLO panels will show no data (apt-get install prometheus, brew install prometheus)."
fi

wait
