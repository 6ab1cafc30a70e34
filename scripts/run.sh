#!/usr/bin/env bash
# Started by `make run`: the web server, a Celery worker, Celery beat and, when it is
# installed, a Prometheus scraping the site. Ctrl-C stops everything started here.
set -u
BIN=.venv/bin
PORT=${PORT:-8000}
PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
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

if command -v prometheus >/dev/null; then
  $BIN/python manage.py prometheus_config --site "127.0.0.1:$PORT" \
    --rules var/prometheus/slo-rules.yml >var/prometheus/prometheus.yml
  prometheus --config.file=var/prometheus/prometheus.yml --storage.tsdb.path=var/prometheus/data \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --log.level=warn &
  echo "Prometheus on http://127.0.0.1:$PROMETHEUS_PORT"
else
  echo "prometheus is not installed: SLO panels will show no data (apt-get install prometheus, brew install prometheus)."
fi

$BIN/python manage.py runserver "127.0.0.1:$PORT" &
wait
