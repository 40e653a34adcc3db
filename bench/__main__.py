"""Run every benchmark in order, each in its own process with its own throwaway database.

python -m bench                     # queries, dashboard, grid, workbook, document, imports,
                                    # load, fault, rollup (PostgreSQL only)
python -m bench --only workbook     # one of them
python -m bench fault --seconds 40  # one of them, with its own options
"""

import argparse
import os
import platform
import subprocess
import sys
import time

from bench.common import ROOT, num, say

BENCHMARKS = [
    "queries",
    "dashboard",
    "grid",
    "workbook",
    "document",
    "imports",
    "load",
    "fault",
    "rollup",
]


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
    parser.add_argument("name", nargs="?", choices=BENCHMARKS, help="the same as --only")
    args, options = parser.parse_known_args(argv)
    only = args.name or args.only
    if options and not only:
        parser.error(f"{' '.join(options)}: options are a single benchmark's (name it first)")
    say("machine", f"{os.cpu_count()} CPUs ({cpu_model()}), {memory()}, {platform.platform()}")
    failed = []
    start = time.perf_counter()
    for name in [only] if only else BENCHMARKS:
        say("benchmark", name)
        started = time.perf_counter()
        command = [sys.executable, "-m", f"bench.{name}", *options]
        code = subprocess.run(command, cwd=ROOT).returncode
        say(f"{name} took", f"{num(time.perf_counter() - started, 1)} s")
        if code:
            failed.append(name)
            say(f"{name} failed", f"exit code {code}")
    say("total", f"{num(time.perf_counter() - start, 1)} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
