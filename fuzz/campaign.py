"""Run a fuzzing campaign over every target of ``fuzz_parsers.py`` and summarise it (run by hand).

    nice -n 10 .venv/bin/python fuzz/campaign.py --runs 125000 --jobs 2 --out /tmp/fuzz-campaign

Each target runs in its own process (``-atheris_runs=RUNS``, libFuzzer ``-timeout=10`` so
a hang is a finding, ``-rss_limit_mb=2048``); findings are written as
``OUT/<target>-crash-*``.  ``OUT/summary.json`` gets, per target, the runs libFuzzer
reports ("Done N runs"), whether it stopped on a finding, and the slowest input (seconds,
bytes) measured inside the harness.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_TARGETS = ("tle", "omm-kvn", "omm-xml", "omm-json", "omm-csv", "cdm-kvn", "cdm-xml", "oem")


def run_target(target: str, runs: int, out: Path) -> dict[str, object]:
    log = out / f"{target}.log"
    env = {**os.environ, "ORBITWATCH_FUZZ_STATS_DIR": str(out)}
    cmd = [sys.executable, str(HERE / "fuzz_parsers.py"), "--target", target, f"-atheris_runs={runs}",
           "-timeout=10", "-rss_limit_mb=2048", f"-artifact_prefix={out}/{target}-", "-print_final_stats=1"]
    t0 = time.time()
    with open(log, "w") as fh:
        rc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, check=False).returncode
    text = log.read_text(errors="replace")
    done = re.findall(r"Done (\d+) (?:runs|in)", text)
    stats_file = out / f"stats-{target}.json"
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return {
        "target": target, "rc": rc, "runs_done": int(done[-1]) if done else None,
        "harness_runs": stats.get("runs"), "slowest_s": stats.get("slowest_s"),
        "slowest_bytes": stats.get("slowest_bytes"), "slowest_cpu_s": stats.get("slowest_cpu_s"),
        "wall_s": round(time.time() - t0, 1),
        "findings": sorted(p.name for p in out.glob(f"{target}-*") if p.is_file()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=125_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("/tmp/orbitwatch-fuzz-campaign"))
    ap.add_argument("--targets", nargs="*", default=list(DEFAULT_TARGETS))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda t: run_target(t, args.runs, args.out), args.targets))
    total = sum(int(r["runs_done"] or 0) for r in results)  # type: ignore[call-overload]
    summary = {"runs_per_target": args.runs, "total_runs": total, "targets": results}
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
