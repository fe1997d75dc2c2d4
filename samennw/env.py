"""Every environment variable the portal reads, read through one helper.

Each call records the variable's name, default and help text in ``VARIABLES`` so that the
README's table can be checked against the code (tests/samennw/test_settings.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str | None
    help: str


VARIABLES: dict[str, Variable] = {}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str | None = None, *, help: str) -> str | None:
    """Return the variable's value, or ``default`` when it is unset."""
    VARIABLES[name] = Variable(name, default, help)
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False, *, help: str) -> bool:
    raw = env(name, "true" if default else "false", help=help)
    value = (raw or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: str = "", *, help: str) -> list[str]:
    raw = env(name, default, help=help) or ""
    return [part.strip() for part in raw.split(",") if part.strip()]
