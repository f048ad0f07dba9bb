"""Benchmark: plan all of Finland for 1.6.2025–31.5.2033, and a registry 100 times larger.

Each case runs in a fresh child process so that its peak memory (ru_maxrss) is its own.
The figure that matters is a ratio measured in the same run: the 100× registry against
the real one as baseline (linear growth = 100× the time for 100× the occurrences).

    python bench/plan_bench.py            # all cases, prints a table for the README
    python bench/plan_bench.py CASE       # one case, prints JSON (used by the parent)
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

WINDOW = (date(2025, 6, 1), date(2033, 5, 31))
REPEATS = 5
CASES = ("plan-1x", "plan-10x", "plan-30x", "plan-100x")


def _registry(scale: int) -> Any:
    """The real registry, or `scale` copies of every county with its municipalities."""
    from obligations.parties import Municipality, Region, Registry, load_registry

    real = load_registry()
    if scale == 1:
        return real
    regions: list[Region] = []
    municipalities: list[Municipality] = []
    for copy in range(scale):
        for region in real.regions:
            code = region.code if region.code == "90" and copy == 0 else f"{region.code}x{copy}"
            if region.code == "90" and copy > 0:
                continue  # one Helsinki
            regions.append(Region(code, region.name_fi, region.name_sv, region.name_en,
                                  region.organiser_type))
            for m in real.members(region.code):
                if region.code == "90":
                    municipalities.append(m)
                    continue
                municipalities.append(Municipality(f"{m.code}x{copy}", m.name_fi, m.name_sv,
                                                   code, m.language))
    return Registry(real.year, "synthetic", tuple(regions), tuple(municipalities))


def run_case(case: str) -> dict[str, Any]:
    from calendars.schedule import PlanWindow, plan
    from calendars.workdays import finnish_non_working_days
    from obligations.loader import load_definitions

    _, scale_text = case.split("-")
    scale = int(scale_text.rstrip("x"))
    started = time.perf_counter()
    definitions = load_definitions()
    registry = _registry(scale)
    window = PlanWindow(*WINDOW)
    non_working_days = finnish_non_working_days(*window.years_needed)
    setup = time.perf_counter() - started
    timings = []
    count = 0
    for _ in range(REPEATS):
        started = time.perf_counter()
        count = len(plan(definitions, registry, non_working_days, window))
        timings.append(time.perf_counter() - started)
    return {
        "case": case,
        "municipalities": len(registry.municipalities),
        "occurrences": count,
        "setup_s": setup,
        "best_s": min(timings),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    if len(sys.argv) == 2:
        print(json.dumps(run_case(sys.argv[1])))
        return
    results = {}
    for case in CASES:
        output = subprocess.run([sys.executable, str(Path(__file__).resolve()), case],
                                capture_output=True, text=True, check=True).stdout
        results[case] = json.loads(output)
    print(f"{'case':<14} {'municipalities':>14} {'occurrences':>12} {'best s':>8} "
          f"{'setup s':>8} {'peak MB':>8}")
    for case in CASES:
        r = results[case]
        print(f"{case:<14} {r['municipalities']:>14} {r['occurrences']:>12} {r['best_s']:>8.3f} "
              f"{r['setup_s']:>8.3f} {r['peak_mb']:>8.0f}")
    one, hundred = results["plan-1x"], results["plan-100x"]
    print()
    print(f"growth 100x/1x: time {hundred['best_s'] / one['best_s']:.1f}x, "
          f"occurrences {hundred['occurrences'] / one['occurrences']:.1f}x (linear = 100x)")
    per = {case: r["best_s"] / r["occurrences"] * 1e6 for case, r in results.items()}
    print("time per occurrence: " + ", ".join(
        f"{case.split('-')[1]} {us:.1f} us ({us / per['plan-1x']:.2f}x)"
        for case, us in per.items()))
    print(f"whole country, one run incl. loading: {one['best_s'] + one['setup_s']:.3f} s, "
          f"peak {one['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
