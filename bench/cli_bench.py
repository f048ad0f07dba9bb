"""Benchmark: `yhdyspinta --help` (and `plan --help`) against `python -c pass`, same run.

Each is a fresh process through the installed console script, timed from start to exit;
interleaved rounds, best of each. Target (issue 12): `--help` under half a second; the
ratio to a bare interpreter start says how much of it is ours.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROUNDS = 15
SCRIPT = Path(sys.executable).parent / "yhdyspinta"


def _once(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    cases = {
        "python -c pass (baseline)": [sys.executable, "-c", "pass"],
        "yhdyspinta --help": [str(SCRIPT), "--help"],
        "yhdyspinta plan --help": [str(SCRIPT), "plan", "--help"],
    }
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(ROUNDS):
        for name, argv in cases.items():
            best[name] = min(best[name], _once(argv))
    baseline = best["python -c pass (baseline)"]
    print(f"command-line help, fresh process each, best of {ROUNDS} interleaved rounds")
    for name, seconds in best.items():
        ratio = "" if seconds is baseline else f"   ratio {seconds / baseline:5.1f}x"
        print(f"  {name:28s} {seconds * 1000:7.1f} ms{ratio}")
    slowest = max(best["yhdyspinta --help"], best["yhdyspinta plan --help"])
    print(f"  target: under 500 ms -> {'met' if slowest < 0.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
