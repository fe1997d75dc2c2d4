"""Benchmark of the PII guard (``netwerkgroep.pii``): ``python scripts/bench_pii.py``.

Reads the corpus in ``tests/netwerkgroep/pii_corpus.json`` and prints:

* the corpus sizes (texts without and with personal data);
* the false-positive rate: the share of texts without personal data in which anything is found;
* the recall: the share of expected findings (kind by kind) that are found;
* how often ``name_warning`` fires on the texts without personal data (a warning, not a block);
* throughput: corpus texts per second, and microseconds per 1,000 characters on a text of 10,000
  characters, once made of clean texts and once with personal data mixed in;
* when the seed documents in ``../shared/seeds`` are there, what the guard finds in them, for reading
  by eye (they are public reports: every finding there should be an e-mail address, phone number or
  address that is really in the text).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchjson import json_path as json_arg  # noqa: E402
from benchjson import write_json  # noqa: E402

CORPUS = ROOT / "tests" / "netwerkgroep" / "pii_corpus.json"
SEEDS = ROOT.parent / "shared" / "seeds"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samennw.settings")
    os.environ.setdefault("SAMENNW_EPHEMERAL_SECRET", "true")
    os.environ.setdefault("SAMENNW_HTTPS", "false")
    import django

    django.setup()


def _best_of(func, repeat: int = 7) -> float:
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        func()
        timings.append(time.perf_counter() - began)
    return min(timings)


def _text_of(parts: list[str], size: int) -> str:
    text = " ".join(parts)
    return (text * (size // len(text) + 1))[:size]


def main() -> None:
    json_path = json_arg()
    _setup()
    from netwerkgroep import pii

    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    without, with_ = corpus["zonder"], corpus["met"]
    print(f"corpus: {len(without)} texts without personal data, {len(with_)} with "
          f"({sum(len(e['kinds']) for e in with_)} expected findings)")

    false_positives = [t for t in without if pii.find_personal_data(t)]
    print(f"false-positive rate: {len(false_positives)}/{len(without)} = {len(false_positives) / len(without):.1%}")
    for text in false_positives:
        print(f"  flagged: {text}")

    expected = hits = 0
    missed = []
    for entry in with_:
        found = [f.kind for f in pii.find_personal_data(entry["text"])]
        for kind in entry["kinds"]:
            expected += 1
            if kind in found:
                found.remove(kind)
                hits += 1
            else:
                missed.append((kind, entry["text"]))
    print(f"recall: {hits}/{expected} = {hits / expected:.1%}")
    for kind, text in missed:
        print(f"  missed {kind}: {text}")

    warned = [t for t in without if pii.name_warning(t)]
    print(f"name warnings on texts without personal data: {len(warned)}/{len(without)}")

    texts = without + [e["text"] for e in with_]
    rounds = 50
    seconds = _best_of(lambda: [pii.find_personal_data(t) for _ in range(rounds) for t in texts])
    print(f"throughput: {len(texts) * rounds / seconds:,.0f} texts/s "
          f"(average {statistics.mean(len(t) for t in texts):.0f} characters)")
    size = f"{len(without)}+{len(with_)} texts"
    write_json(json_path, [
        {"benchmark": "PII guard", "size": size, "metric": "false-positive rate",
         "value": round(100 * len(false_positives) / len(without), 1), "unit": "%"},
        {"benchmark": "PII guard", "size": size, "metric": "recall", "value": round(100 * hits / expected, 1), "unit": "%"},
        {"benchmark": "PII guard", "size": size, "metric": "name warnings on clean texts", "value": len(warned), "unit": "texts"},
        {"benchmark": "PII guard", "size": size, "metric": "throughput", "value": round(len(texts) * rounds / seconds), "unit": "texts/s"},
    ])

    for name, parts in (("clean", without), ("with personal data", texts)):
        text = _text_of(parts, 10_000)
        seconds = _best_of(lambda text=text: pii.find_personal_data(text), repeat=21)
        findings = len(pii.find_personal_data(text))
        print(f"10,000 characters, {name}: {seconds * 1e3:.2f} ms, "
              f"{seconds * 1e6 / 10:.0f} µs per 1,000 characters ({findings} findings)")
        seconds = _best_of(lambda text=text: pii.name_warning(text), repeat=21)
        print(f"  name_warning on the same text: {seconds * 1e6 / 10:.0f} µs per 1,000 characters")

    if SEEDS.is_dir():
        for path in sorted(SEEDS.glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace")
            findings = pii.find_personal_data(text)
            kinds = Counter(f.kind for f in findings)
            print(f"seed {path.name}: {len(text):,} characters, {dict(kinds) or 'nothing found'}")


if __name__ == "__main__":
    main()
