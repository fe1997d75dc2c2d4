"""``--json PATH`` for the benchmark scripts: bench_all.py collects their figures as rows from that file."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def json_path() -> Path | None:
    """``--json PATH`` (anywhere in the arguments), removed from ``sys.argv``; None when not given."""
    if "--json" not in sys.argv:
        return None
    i = sys.argv.index("--json")
    path = Path(sys.argv[i + 1])
    del sys.argv[i : i + 2]
    return path


def write_json(path: Path | None, rows: list[dict]) -> None:
    if path is not None:
        path.write_text(json.dumps(rows, indent=1))
