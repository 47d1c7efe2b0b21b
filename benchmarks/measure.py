"""Measuring a benchmark step in a child process: wall time, CPU time, peak resident memory.

Each measured step is its own process, so that its peak memory is its own (read with ``os.wait4``
from the kernel's accounting of the child), and a JSON line it prints last is its result. The
machine is shared: the 1-minute load average is recorded with every figure, and the floor of a
comparison is measured in the same run, interleaved with the workbench.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Callable

__all__ = ["measure", "best_of", "load_average", "fresh"]


def load_average() -> float:
    """The 1-minute load average (2 cores: above 2, other processes slow every figure down)."""
    return round(os.getloadavg()[0], 2)


def measure(command: list[str], *, cwd: Path | None = None, env: dict | None = None) -> dict:
    """Run ``command``; its wall and CPU seconds, peak RSS, the load average at its start and the
    JSON object it printed last (if any)."""
    started_load = load_average()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=cwd, env=env, text=True)
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {code}")
    lines = [line for line in output.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    result["process_seconds"] = round(wall, 2)
    result.setdefault("seconds", round(wall, 2))
    result["seconds"] = round(result["seconds"], 2)
    result["peak_rss_bytes"] = usage.ru_maxrss * 1024  # Linux reports kilobytes
    result["peak_rss_gb"] = round(usage.ru_maxrss * 1024 / 1e9, 2)
    # CPU time of the child (all its threads): less sensitive than wall time to other processes
    result["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)
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
