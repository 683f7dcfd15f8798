"""How long loading the bundled dataset takes (the goal: well under 100 ms).

python benchmarks/dataset.py [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gui.core.workload.dataset import DATASET_PATH, load_pokedex  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    load_ms, lookup_us = [], []
    for _ in range(args.repeats):
        started = time.perf_counter()
        dex = load_pokedex()
        load_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        for key in ("pikachu", "25", "Charizard", "10001", "missingno"):
            dex.find_pokemon(key)
        lookup_us.append((time.perf_counter() - started) * 1e6 / 5)
    result = {
        "file_kb": round(len(DATASET_PATH.read_bytes()) / 1024),
        "pokemon": len(dex.pokemon),
        "load_ms_p50": round(statistics.median(load_ms), 2),
        "load_ms_max": round(max(load_ms), 2),
        "lookup_us_p50": round(statistics.median(lookup_us), 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['pokemon']} Pokémon ({result['file_kb']} KB): load p50 {result['load_ms_p50']} ms, "
              f"max {result['load_ms_max']} ms; a lookup by id or name {result['lookup_us_p50']} µs")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
