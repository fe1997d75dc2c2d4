"""docker-compose.yml, the Dockerfile and .env.example agree with the code they start."""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("postgres", "redis", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _command(service: dict) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else list(command)


def test_services_exist(compose):
    assert set(SERVICES) <= set(compose["services"])


@pytest.mark.parametrize("name", ["postgres", "redis", "web", "worker"])
def test_long_running_services_have_healthchecks(compose, name):
    healthcheck = compose["services"][name].get("healthcheck")
    assert healthcheck and healthcheck.get("test"), f"{name} has no healthcheck"


def test_healthchecks_test_the_right_thing(compose):
    services = compose["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "ping" in " ".join(services["redis"]["healthcheck"]["test"])
    assert "/health/" in " ".join(services["web"]["healthcheck"]["test"])


def test_data_lives_in_named_volumes(compose):
    services, volumes = compose["services"], compose.get("volumes", {})

    def mounts(name):
        return {v.split(":", 1)[0]: v.split(":", 2)[1] for v in services[name].get("volumes", [])}

    assert mounts("postgres").get("postgres-data") == "/var/lib/postgresql/data"
    assert mounts("redis").get("redis-data") == "/data"
    assert "media" in mounts("web")
    beat_schedule_dir = mounts("beat").get("beat-schedule")
    assert beat_schedule_dir
    beat = _command(services["beat"])
    assert beat[beat.index("--schedule") + 1].startswith(beat_schedule_dir + "/")
    for name in ("postgres-data", "redis-data", "media", "beat-schedule"):
        assert name in volumes


def test_web_waits_for_healthy_services_and_migrations(compose):
    services = compose["services"]
    depends = services["web"]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert _command(services["migrate"])[-3:] == ["manage.py", "migrate", "--noinput"]
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_web_runs_gunicorn_on_an_importable_wsgi_application(compose):
    command = _command(compose["services"]["web"])
    assert command[0] == "gunicorn"
    target = next(part for part in command[1:] if ":" in part and not part.startswith("-"))
    module_name, attribute = target.split(":")
    assert target == "samennw.wsgi:application"
    application = getattr(importlib.import_module(module_name), attribute)
    assert callable(application)


@pytest.mark.parametrize(("name", "kind"), [("worker", "worker"), ("beat", "beat")])
def test_celery_services_run_the_portal_app(compose, name, kind):
    command = _command(compose["services"][name])
    assert command[:4] == ["celery", "-A", "samennw", kind]
    from celery.app.utils import find_app

    from samennw.celery import app

    assert find_app("samennw") is app
    assert app.main == "samennw"


def test_services_get_their_environment_from_the_env_file(compose):
    for name in ("web", "worker", "beat", "migrate"):
        service = compose["services"][name]
        assert service["env_file"] == ".env"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:6379/")


def test_dockerfile_installs_from_the_lock_and_runs_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert re.search(r"^COPY .*requirements\.lock", dockerfile, re.M)
    assert "requirements.lock" in next(line for line in dockerfile.splitlines() if "pip install" in line)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M), "the image must not run as root"
    for needed in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core", "gettext", "collectstatic"):
        assert needed in dockerfile
    assert "samennw.wsgi:application" in dockerfile
    assert ".env" in (ROOT / ".dockerignore").read_text(encoding="utf-8").split()


def _env_example_names() -> list[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.M)


def test_env_example_only_names_known_variables(compose):
    import samennw.settings  # noqa: F401  (fills VARIABLES)
    from samennw.env import VARIABLES

    compose_text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose_text))
    documented = set(_documented_variables())
    unknown = [
        name
        for name in _env_example_names()
        if name not in VARIABLES and name not in documented and name not in interpolated
    ]
    assert not unknown, f".env.example names variables nothing reads: {unknown}"


def _documented_variables() -> list[str]:
    spec = importlib.util.spec_from_file_location("env_table", ROOT / "scripts" / "env_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.collect())


def test_env_example_documents_every_variable():
    names = set(_env_example_names())
    missing = [name for name in _documented_variables() if name not in names]
    assert not missing, f".env.example does not mention: {missing}"


def test_env_example_holds_no_real_secret():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in ("SAMENNW_SECRET_KEY", "POSTGRES_PASSWORD"):
        value = re.search(rf"^{name}=(.*)$", text, re.M).group(1)
        assert "CHANGE" in value
