"""Run every benchmark in order, each in its own process with its own throwaway database.

python -m bench                  # queries, dashboard, grid, workbook, imports, load
python -m bench --only workbook  # one of them
"""

import argparse
import os
import platform
import subprocess
import sys
import time

from bench.common import ROOT, num, say

BENCHMARKS = ["queries", "dashboard", "grid", "workbook", "imports", "load"]


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory():
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kib = int(info.readline().split()[1])
        return f"{num(kib / 1024 / 1024, 1)} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown"


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", choices=BENCHMARKS, help="run this benchmark alone")
    args = parser.parse_args(argv)
    say("machine", f"{os.cpu_count()} CPUs ({cpu_model()}), {memory()}, {platform.platform()}")
    failed = []
    start = time.perf_counter()
    for name in [args.only] if args.only else BENCHMARKS:
        say("benchmark", name)
        started = time.perf_counter()
        code = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=ROOT).returncode
        say(f"{name} took", f"{num(time.perf_counter() - started, 1)} s")
        if code:
            failed.append(name)
            say(f"{name} failed", f"exit code {code}")
    say("total", f"{num(time.perf_counter() - start, 1)} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
