"""Print the README's table of environment variables from ``samennw.env.VARIABLES``.

Settings read some variables only on some paths (``SAMENNW_EPHEMERAL_SECRET`` only without a secret
key, ``CELERY_TASK_ALWAYS_EAGER`` only with ``REDIS_URL``), so the settings module is imported in a
few fresh processes, each with different environment, and the names are merged.

    .venv/bin/python scripts/env_table.py           # Markdown table for the README
    .venv/bin/python scripts/env_table.py --names   # one name a line
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_DUMP = (
    "import json, samennw.settings\n"
    "from samennw.env import VARIABLES\n"
    "print(json.dumps([[v.name, v.default, v.help] for v in VARIABLES.values()]))\n"
)

# Environments that together walk every branch of samennw/settings.py.
PROFILES: list[dict[str, str]] = [
    {"SAMENNW_EPHEMERAL_SECRET": "true"},
    {"SAMENNW_DEBUG": "true"},
    {
        "SAMENNW_SECRET_KEY": "x" * 60,
        "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    },
    {
        "SAMENNW_EPHEMERAL_SECRET": "true",
        "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    },
]


def clean_environ() -> dict[str, str]:
    """The current environment without anything the settings would read."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SAMENNW_", "CELERY_", "DJANGO_")) and k not in {"DATABASE_URL", "REDIS_URL"}
    }


def collect() -> dict[str, tuple[str | None, str]]:
    """name -> (default, help) over all profiles, in the order the settings read them."""
    found: dict[str, tuple[str | None, str]] = {}
    with tempfile.TemporaryDirectory() as var_dir:
        for profile in PROFILES:
            environ = clean_environ() | {"SAMENNW_VAR_DIR": var_dir} | profile
            out = subprocess.run(  # noqa: S603 - our own interpreter and code
                [sys.executable, "-c", _DUMP],
                cwd=ROOT,
                env=environ,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for name, default, help_text in json.loads(out.strip().splitlines()[-1]):
                found.setdefault(name, (default, help_text))
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(name: str, default: str | None) -> str:
    if name == "SAMENNW_VAR_DIR":
        return "`var/` in the project"
    if default is None:
        return "(unset)"
    if default == "":
        return "(empty)"
    return f"`{_cell(default)}`"


def table(found: dict[str, tuple[str | None, str]]) -> str:
    rows = ["| Name | Default | Meaning |", "| --- | --- | --- |"]
    for name, (default, help_text) in found.items():
        rows.append(f"| `{name}` | {_default(name, default)} | {_cell(help_text)} |")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    found = collect()
    if "--names" in argv:
        print("\n".join(found))
    else:
        print(table(found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
