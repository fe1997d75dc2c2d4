"""Settings follow the environment: each case starts a fresh interpreter with a controlled environment."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_SHOW = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "debug": settings.DEBUG,
    "secure_ssl_redirect": settings.SECURE_SSL_REDIRECT,
}))
"""


def _environ(tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SAMENNW_", "CELERY_", "DJANGO_")) and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    return (
        base
        | {"DJANGO_SETTINGS_MODULE": "samennw.settings", "SAMENNW_VAR_DIR": str(tmp_path / "var")}
        | extra
    )


def _run(tmp_path: Path, code: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_environ(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=60,
    )


def _show(tmp_path: Path, **extra: str) -> dict:
    done = _run(tmp_path, _SHOW, **extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_defaults_embedded_sqlite_locmem_and_eager_celery(tmp_path):
    shown = _show(tmp_path, SAMENNW_EPHEMERAL_SECRET="true")
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["eager"] is True
    assert shown["broker"] == "memory://"
    assert shown["debug"] is False
    assert shown["secure_ssl_redirect"] is True


def test_database_url_switches_to_postgresql_without_connecting(tmp_path):
    shown = _show(
        tmp_path, SAMENNW_EPHEMERAL_SECRET="true", DATABASE_URL="postgres://nobody:secret@127.0.0.1:1/nothing"
    )
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_switches_cache_and_broker(tmp_path):
    url = "redis://127.0.0.1:6379/7"
    shown = _show(tmp_path, SAMENNW_EPHEMERAL_SECRET="true", REDIS_URL=url)
    assert shown["cache"] == "samennw.cache.TolerantRedisCache"
    assert shown["cache_location"] == url
    assert shown["broker"] == url
    assert shown["eager"] is False
    assert shown["engine"] == "django.db.backends.sqlite3"


def test_no_secret_and_no_debug_refuses_to_start(tmp_path):
    done = _run(tmp_path, _SHOW)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "SAMENNW_SECRET_KEY must be set when SAMENNW_DEBUG is off." in done.stderr


def test_debug_starts_without_secret(tmp_path):
    assert _show(tmp_path, SAMENNW_DEBUG="true")["debug"] is True


def test_deploy_check_is_clean_with_production_environment(tmp_path):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    key = "".join(secrets.choice(alphabet) for _ in range(60))
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_environ(tmp_path, SAMENNW_SECRET_KEY=key, SAMENNW_ALLOWED_HOSTS="portaal.example.org"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout, done.stdout + done.stderr


def _env_table_module():
    spec = importlib.util.spec_from_file_location("env_table", ROOT / "scripts" / "env_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def variables() -> dict:
    """Every variable the settings read, over all their branches (see scripts/env_table.py)."""
    return _env_table_module().collect()


def _readme_table_names() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Environment variables\s*$(.*?)(?=^## )", text, re.M | re.S)
    assert match, "README.md has no '## Environment variables' section"
    names = re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", match.group(1), re.M)
    assert names, "no table rows found in the README's environment variable section"
    return names


def test_readme_table_lists_exactly_the_variables_read(variables):
    names = _readme_table_names()
    assert len(names) == len(set(names)), "a variable appears twice in the README table"
    assert set(names) == set(variables), (
        f"missing from README: {sorted(set(variables) - set(names))}; "
        f"not read by the settings: {sorted(set(names) - set(variables))}. "
        "Regenerate with: .venv/bin/python scripts/env_table.py"
    )


def test_readme_table_matches_generated_table(variables):
    """Defaults and meanings too, not only the names."""
    generated = _env_table_module().table(variables)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert generated in readme, "README's variable table is stale: paste the output of scripts/env_table.py"


def test_every_variable_read_is_in_the_settings_module_registry():
    """The in-process registry (this test run's branch) is a subset of the documented set."""
    import samennw.settings  # noqa: F401
    from samennw.env import VARIABLES

    assert set(VARIABLES) <= set(_readme_table_names())


_CELERY = """
import json, django
django.setup()
from samennw.celery import app
print(json.dumps({
    "task_serializer": app.conf.task_serializer,
    "result_serializer": app.conf.result_serializer,
    "accept_content": list(app.conf.accept_content),
    "result_accept_content": app.conf.result_accept_content,
    "broker": app.conf.broker_url,
}))
"""


def test_celery_speaks_json_only_so_pickle_cannot_be_switched_on_silently(tmp_path):
    """DECISIONS 24: a task message is JSON (ids only); a pickled message could run code in the worker."""
    from django.conf import settings

    from samennw.celery import app

    assert settings.CELERY_TASK_SERIALIZER == settings.CELERY_RESULT_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert app.conf.task_serializer == app.conf.result_serializer == "json"
    assert list(app.conf.accept_content) == ["json"]
    assert app.conf.result_accept_content in (None, ["json"])  # None: the same as accept_content
    # The production branch (a real broker) is configured the same way, in a fresh interpreter.
    url = "redis://127.0.0.1:6379/7"
    done = _run(tmp_path, _CELERY, SAMENNW_EPHEMERAL_SECRET="true", REDIS_URL=url)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown == {
        "task_serializer": "json", "result_serializer": "json", "accept_content": ["json"],
        "result_accept_content": None, "broker": url,
    }
