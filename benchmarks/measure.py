"""Measuring a benchmark step in a child process: wall time, CPU time, peak resident memory.

Each measured step is its own process, so that its peak memory is its own, and a JSON line it
prints last is its result. The machine is shared: the 1-minute load average is recorded with every
figure, and the floor of a comparison is measured in the same run, interleaved with the workbench.

Peak memory is read with ``os.wait4`` by a small launcher process (:data:`_LAUNCHER`), not by the
caller: Linux counts in a child's ``ru_maxrss`` the peak of the memory it was forked from (the
parent's, kept across ``exec``), so a child of a 1.5 GB process "peaks" at 1.5 GB even when it
runs ``python -c pass``. The launcher is a fresh interpreter of about 10 MB; its child's peak is
the child's own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

__all__ = ["measure", "run_measured", "Measured", "best_of", "load_average", "fresh"]

# Runs argv[2:] and writes its peak RSS (kilobytes) and CPU seconds to the file argv[1]; exits with its code.
_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


@dataclass
class Measured:
    """A finished child: its exit code, output, peak resident memory and CPU time (all its threads)."""

    code: int
    stdout: str
    stderr: str
    peak_rss_bytes: int
    cpu_seconds: float


def run_measured(command: list[str], *, cwd: Path | None = None, env: dict | None = None,
                 capture_stderr: bool = False) -> Measured:
    """Run ``command`` through the launcher; what it printed, its exit code, its own peak RSS and CPU."""
    with tempfile.NamedTemporaryFile("r", prefix="wb-peak-", suffix=".txt") as report:
        process = subprocess.run([sys.executable, "-c", _LAUNCHER, report.name, *command], cwd=cwd, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE if capture_stderr else None,
                                 text=True)
        peak_kb, cpu = report.read().split()
    return Measured(process.returncode, process.stdout, process.stderr or "", int(peak_kb) * 1024, float(cpu))


def load_average() -> float:
    """The 1-minute load average (2 cores: above 2, other processes slow every figure down)."""
    return round(os.getloadavg()[0], 2)


def measure(command: list[str], *, cwd: Path | None = None, env: dict | None = None) -> dict:
    """Run ``command``; its wall and CPU seconds, peak RSS, the load average at its start and the
    JSON object it printed last (if any)."""
    started_load = load_average()
    started = time.perf_counter()
    child = run_measured(command, cwd=cwd, env=env)
    wall = time.perf_counter() - started
    if child.code != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {child.code}")
    lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    result["process_seconds"] = round(wall, 2)
    result.setdefault("seconds", round(wall, 2))
    result["seconds"] = round(result["seconds"], 2)
    result["peak_rss_bytes"] = child.peak_rss_bytes
    result["peak_rss_gb"] = round(child.peak_rss_bytes / 1e9, 2)
    # CPU time of the child (all its threads): less sensitive than wall time to other processes
    result["cpu_seconds"] = round(child.cpu_seconds, 2)
    result["load_average"] = [started_load, load_average()]
    return result


def best_of(repeat: int, runs: list[Callable[[], dict]]) -> list[dict]:
    """Run each of ``runs`` ``repeat`` times, interleaved (so that a busy machine slows all alike);
    keep each one's fastest run, with the wall times of all runs in ``all_seconds``."""
    best: list[dict | None] = [None] * len(runs)
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(max(1, repeat)):
        for i, run_once in enumerate(runs):
            result = run_once()
            times[i].append(result["seconds"])
            if best[i] is None or result["seconds"] < best[i]["seconds"]:
                best[i] = result
    for result, all_seconds in zip(best, times):
        result["all_seconds"] = all_seconds
    return best  # type: ignore[return-value]


def fresh(db: Path) -> Path:
    """``db`` with any earlier workspace (and its WAL and spill folder) removed."""
    import shutil

    for suffix in ("", ".wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.rmtree(str(db) + ".tmp", ignore_errors=True)
    return db


def main_with_children(parser, children: dict[str, Callable], run: Callable, argv: list[str] | None = None) -> None:
    """Parse a benchmark's command line and run it, or one of its measured ``children``.

    The benchmark adds its own options to ``parser``; this adds the ones every measured benchmark
    shares (``--repeat``, ``--out`` and the hidden ``--child``, ``--path``, ``--db`` its child
    processes are started with). A child prints its result as one JSON line; ``run`` prints the whole.
    """
    parser.add_argument("--repeat", type=int, default=1, help="runs of the floor and the load; the fastest counts")
    parser.add_argument("--child", choices=sorted(children), help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    result = children[args.child](args) if args.child else run(args)
    print(json.dumps(result, indent=None if args.child else 2))
