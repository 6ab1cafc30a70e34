#!/usr/bin/env bash
# Make sure the services the tests (or `make run`) use are installed and running.
# Idempotent: starts what is installed but down, installs what is missing where it can
# (Debian/Ubuntu as root with apt-get; macOS with Homebrew), and says how otherwise.
#
#   scripts/services.sh test        PostgreSQL, Redis, Prometheus, Alertmanager, Chromium; fails loudly
#   scripts/services.sh prometheus  best effort, for `make run`
set -u

PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
DB_ROLE=${DB_ROLE:-postmortems}
DB_NAME=${DB_NAME:-postmortems}
apt_updated=""

say() { echo "services: $*" >&2; }
is_up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
as_root() { [ "$(id -u)" = 0 ]; }

install_pkg() {  # install_pkg <debian-package> <brew-formula>
  if as_root && command -v apt-get >/dev/null; then
    if [ -z "$apt_updated" ]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && apt_updated=1
    fi
    say "installing $1 with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null
  elif command -v brew >/dev/null; then
    say "installing $2 with Homebrew"
    brew install "$2" >/dev/null
  else
    say "cannot install $1 here: install it with your package manager (Debian: apt-get install $1, macOS: brew install $2)"
    return 1
  fi
}

wait_port() {
  for _ in $(seq 1 50); do is_up "$1" && return 0; sleep 0.2; done
  return 1
}

ensure_postgres() {
  if ! is_up "$PG_PORT"; then
    if ! command -v pg_lsclusters >/dev/null && ! command -v pg_ctl >/dev/null; then
      install_pkg postgresql postgresql@16 || return 1
    fi
    if command -v pg_lsclusters >/dev/null; then
      version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
      if [ -z "$version" ]; then
        version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
        pg_createcluster "$version" main >/dev/null
      fi
      say "starting PostgreSQL $version"
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    elif command -v brew >/dev/null; then
      brew services start postgresql@16 >/dev/null || true
    fi
    wait_port "$PG_PORT" || { say "PostgreSQL is not answering on 127.0.0.1:$PG_PORT"; return 1; }
  fi
  # The app role may create test databases (test_<name>, test_<name>_gwN under xdist).
  local sql="DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_ROLE') THEN
      CREATE ROLE $DB_ROLE LOGIN CREATEDB; END IF; END \$\$;"
  if as_root && command -v runuser >/dev/null && id postgres >/dev/null 2>&1; then
    psql_admin() { runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 "$@"; }
  else
    psql_admin() { psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
  fi
  psql_admin -c "$sql" >/dev/null || { say "could not create the $DB_ROLE role"; return 1; }
  if ! psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_ROLE" >/dev/null || return 1
  fi
}

ensure_redis() {
  is_up "$REDIS_PORT" && return 0
  command -v redis-server >/dev/null || install_pkg redis-server redis || return 1
  say "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /tmp --logfile /tmp/postmortems-redis.log >/dev/null
  wait_port "$REDIS_PORT" || { say "Redis is not answering on 127.0.0.1:$REDIS_PORT"; return 1; }
}

ensure_prometheus() {
  command -v prometheus >/dev/null && command -v promtool >/dev/null && return 0
  install_pkg prometheus prometheus
}

ensure_alertmanager() {
  command -v prometheus-alertmanager >/dev/null || command -v alertmanager >/dev/null && return 0
  install_pkg prometheus-alertmanager alertmanager
}

ensure_chromium() {
  [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ] && return 0
  command -v chromium >/dev/null && return 0
  install_pkg chromium chromium
}

case "${1:-}" in
  test)
    status=0
    ensure_postgres || { say "PostgreSQL is required for the tests"; status=1; }
    ensure_redis || { say "Redis is required for the tests"; status=1; }
    ensure_prometheus || { say "prometheus and promtool are required for the tests"; status=1; }
    ensure_chromium || { say "chromium is required for the browser tests"; status=1; }
    ensure_alertmanager || { say "prometheus-alertmanager is required for the Alertmanager tests"; status=1; }
    exit $status
    ;;
  prometheus)
    ensure_prometheus || say "continuing without Prometheus: the SLO panels will show no data"
    exit 0
    ;;
  *)
    echo "usage: $0 test|prometheus" >&2
    exit 2
    ;;
esac
