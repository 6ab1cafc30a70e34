"""docker-compose.yml is valid Compose and wires the services together."""

import gc
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"


def compose():
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_file_validates_against_the_compose_specification():
    result = subprocess.run(
        [Path(sys.executable).parent / "check-jsonschema", "--builtin-schema",
         "vendor.compose-spec", str(COMPOSE)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_the_whole_stack_with_healthchecks():
    services = compose()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis", "prometheus"}
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no healthcheck"
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["prometheus"]["image"].startswith("prom/prometheus")


def test_app_services_share_the_database_and_broker_settings():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env[
            "DATABASE_URL"]
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert env["PROMETHEUS_URL"] == "http://prometheus:9090"
        assert "SECRET_KEY" in env and env["DEBUG"] == "0"
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_web_serves_with_gunicorn_on_port_8000_and_beat_is_single():
    services = compose()["services"]
    assert "gunicorn config.wsgi" in services["web"]["command"]
    assert "8000:8000" in services["web"]["ports"]
    assert "celery -A config worker" in services["worker"]["command"]
    assert "celery -A config beat" in services["beat"]["command"]
    assert services["beat"]["deploy"]["replicas"] == 1


def test_data_lives_in_named_volumes():
    data = compose()
    assert {"postgres-data", "redis-data", "prometheus-data"} <= set(data["volumes"])
    mounts = data["services"]["prometheus"]["volumes"]
    assert any(m.endswith(":/etc/prometheus/prometheus.yml:ro") for m in mounts)
    assert any("slo-rules.yml" in m for m in mounts)
    for mount in mounts:
        source = mount.split(":")[0]
        if source.startswith("./"):
            assert (ROOT / source).exists(), f"{source} is mounted but missing"


def test_web_uses_the_documented_gunicorn_settings():
    """Threaded workers and a timeout set for the workload (deploy/gunicorn.conf.py)."""
    web = compose()["services"]["web"]
    assert "--config deploy/gunicorn.conf.py" in web["command"]
    assert {"WEB_WORKERS", "WEB_THREADS", "WEB_TIMEOUT"} <= set(web["environment"])
    settings = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), settings)
    assert settings["worker_class"] == "gthread" and settings["threads"] >= 2
    assert settings["timeout"] > 30  # gunicorn's default killed the slowest pages
    assert "deploy/gunicorn.conf.py" in (ROOT / "Dockerfile").read_text()


def test_a_worker_freezes_what_it_loaded_out_of_the_garbage_collector():
    """gunicorn's post_worker_init hook: what the worker loaded is never walked again by a
    full collection (a ~60 ms pause every few hundred requests otherwise)."""
    settings = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), settings)
    gc.unfreeze()
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
