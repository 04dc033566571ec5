"""Run a command and sample its whole process tree: resident memory and CPU time, from /proc.

A refresh is one Python process plus the ``dbt`` process dagster-dbt starts, so both are
summed. Every ``interval`` seconds the sampler records (time, RSS of the tree, CPU seconds of
the tree). CPU of the tree is, over its live processes, their own user + system time plus that
of their children already reaped, which makes it continuous when a child exits. A stage's
figures are then read off the samples inside its time window (``Samples.window``).
"""
from __future__ import annotations

import os
import subprocess
import threading
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds incl. reaped children, RSS bytes) of one process, or None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return ppid, (utime + stime + cutime + cstime) / _TICK, int(fields[21]) * _PAGE


def tree_usage(root: int) -> tuple[int, float]:
    """(RSS bytes, CPU seconds) summed over ``root`` and its live descendants."""
    stats = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (found := _stat(int(entry.name))) is not None:
            stats[int(entry.name)] = found
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    rss, cpu, pending = 0, 0.0, [root]
    while pending:
        pid = pending.pop()
        if pid in stats:
            rss += stats[pid][2]
            cpu += stats[pid][1]
            pending.extend(children.get(pid, ()))
    return rss, cpu


@dataclass
class Samples:
    """Time-ordered samples (epoch seconds, RSS bytes, cumulative CPU seconds) of one process tree."""

    times: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, t: float, rss: int, cpu: float) -> None:
        self.times.append(t)
        self.rss.append(rss)
        # A process leaving the tree before its parent reaps it can make the sum dip: keep it monotonic.
        self.cpu.append(max(cpu, self.cpu[-1]) if self.cpu else cpu)

    def cpu_at(self, t: float) -> float:
        """Cumulative CPU seconds at ``t``, linearly interpolated between samples."""
        if not self.times:
            return 0.0
        i = bisect_left(self.times, t)
        if i == 0:
            return self.cpu[0]
        if i == len(self.times):
            return self.cpu[-1]
        t0, t1 = self.times[i - 1], self.times[i]
        c0, c1 = self.cpu[i - 1], self.cpu[i]
        return c0 + (c1 - c0) * (t - t0) / (t1 - t0) if t1 > t0 else c1

    def window(self, start: float, end: float) -> tuple[float, int]:
        """(CPU seconds, peak RSS bytes) between ``start`` and ``end``.

        The peak takes the samples inside the window and the one on each side of it, so a
        window shorter than the sampling interval still gets the memory in use around it.
        """
        lo = max(bisect_left(self.times, start) - 1, 0)
        hi = min(bisect_right(self.times, end) + 1, len(self.times))
        peak = max(self.rss[lo:hi], default=0)
        return self.cpu_at(end) - self.cpu_at(start), peak


@dataclass
class Measured:
    """A finished command: its samples and the kernel's own totals for it (``wait4``)."""

    returncode: int
    started: float
    ended: float
    samples: Samples
    cpu_seconds: float  # user + system of the process and its reaped descendants
    max_rss_bytes: int  # high-water mark of the largest single process of the tree

    @property
    def wall_seconds(self) -> float:
        return self.ended - self.started

    @property
    def peak_tree_rss_bytes(self) -> int:
        return max(self.samples.rss, default=0)


def run_sampled(command: list[str], *, cwd: Path, env: dict[str, str], log: Path,
                interval: float = 0.05) -> Measured:
    """Run ``command`` (output to ``log``) while sampling its process tree every ``interval`` s."""
    samples = Samples()
    done = threading.Event()
    with open(log, "w") as out:
        started = time.time()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)

        def sample() -> None:
            while not done.is_set():
                rss, cpu = tree_usage(process.pid)
                if rss:
                    samples.add(time.time(), rss, cpu)
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        ended = time.time()
        process.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
    return Measured(process.returncode, started, ended, samples,
                    usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)
