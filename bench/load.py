"""Throughput and latency of the 2023 dashboard served by gunicorn, against /health/.

gunicorn (2 sync workers, production settings: DEBUG off, whitenoise, sessions pushed forward
on every request) serves the throwaway database on a free loopback port; wrk drives it with 2
threads and 16 connections for ``--duration`` seconds per page, first the dashboard as the
signed-in ward secretary (a session created in the throwaway database, sent as its cookie), then
/health/, a plain answer with no session, template or query. wrk's timeout is raised to 10 s so
that slow answers count in the latency instead of as errors. Errors are non-2xx/3xx answers plus
socket errors. gunicorn is stopped at the end, whatever happens; without wrk or gunicorn the
benchmark says so and skips.
"""

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time

from bench import common
from bench.common import num, say

WORKERS = 2
THREADS, CONNECTIONS = 2, 16
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port, path, cookie=None):
    """(status, body) of one GET on the loopback, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def start_gunicorn(bench, port, workers=WORKERS):
    """gunicorn with ``workers`` sync workers on the throwaway database, once it answers."""
    env = os.environ | {"ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "0", "SECURE_SSL_REDIRECT": "0"}
    command = [sys.executable, "-m", "gunicorn", "cauthia.wsgi", "-w", str(workers)]
    command += ["-b", f"127.0.0.1:{port}", "--log-level", "warning", "--error-logfile", "-"]
    log = open(bench.folder / "gunicorn.log", "wb")  # noqa: SIM115 - closed with the server
    process = subprocess.Popen(
        command,
        cwd=common.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a Ctrl-C reaches us, and we stop it in order
    )
    process.log = log
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}: {log_tail(bench)}")
        try:
            if get(port, "/health/")[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within 30 s: {log_tail(bench)}")


def stop_gunicorn(process):
    if process.poll() is None:
        process.terminate()  # the master stops its workers gracefully
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
    process.log.close()


def log_tail(bench, lines=20):
    path = bench.folder / "gunicorn.log"
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def session_cookie(bench):
    """A session of the ward secretary in the throwaway database, as a Cookie header."""
    from django.conf import settings

    client = bench.client()
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def to_ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * UNITS[unit]


def parse_wrk(output):
    """Requests/s, p50 and p99 in ms, requests and errors from wrk --latency's report."""
    found = {
        "requests/s": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M)[1]),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M)[1]),
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    found["non-2xx/3xx"] = int(non_2xx[1]) if non_2xx else 0
    found["socket errors"] = sum(int(n) for n in sockets.groups()) if sockets else 0
    found["errors"] = found["non-2xx/3xx"] + found["socket errors"]
    return found


def drive(port, path, duration, cookie=None):
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "10s"]
    command += ["--latency"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    command.append(f"http://127.0.0.1:{port}{path}")
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr.strip()}")
    return parse_wrk(result.stdout)


def run(bench, duration=20, scale=1):
    if scale > 1:
        bench.generate(scale)
    cookie = session_cookie(bench)
    from django.db import connections

    connections.close_all()  # the servers have the database to themselves
    port = free_port()
    process = start_gunicorn(bench, port)
    try:
        status, _body = get(port, "/cau-thia/2023/", cookie)
        if status != 200:  # a 302 to the sign-in page would pass wrk's error count unseen
            raise RuntimeError(f"the signed-in dashboard answered {status}: {log_tail(bench)}")
        for _ in range(5 * WORKERS):  # every worker loads its templates and translations
            get(port, "/cau-thia/2023/", cookie)
        say("server", f"gunicorn, {WORKERS} sync workers, 127.0.0.1:{port}")
        say("wrk", f"{THREADS} threads, {CONNECTIONS} connections, {duration} s per page")
        results = {}
        for name, path, page_cookie in [
            ("dashboard", "/cau-thia/2023/", cookie),
            ("plain", "/health/", None),
        ]:
            results[name] = found = drive(port, path, duration, page_cookie)
            say(f"load {name} url", path)
            say(f"load {name} requests", found["requests"])
            say(f"load {name} requests/s", num(found["requests/s"]))
            say(f"load {name} p50", f"{num(found['p50'])} ms")
            say(f"load {name} p99", f"{num(found['p99'])} ms")
            say(f"load {name} errors", found["errors"])
            if found["errors"]:
                say(f"load {name} non-2xx/3xx", found["non-2xx/3xx"])
                say(f"load {name} socket errors", found["socket errors"])
        if results["dashboard"]["errors"]:
            say("gunicorn log (last lines)", log_tail(bench).replace("\n", " | ")[-2000:])
    finally:
        stop_gunicorn(process)
    ratio = results["dashboard"]["requests/s"] / results["plain"]["requests/s"]
    say("ratio dashboard/plain throughput", num(ratio))
    return ratio


def missing_tool():
    if shutil.which("wrk") is None:
        return "wrk is not installed (apt-get install wrk)"
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return "gunicorn is not installed (pip install -e '.[bench]')"
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--duration", type=int, default=20, help="seconds of wrk per page")
    parser.add_argument("--scale", type=int, default=1, help="grow the ward first (generate_ward)")
    args = parser.parse_args(argv)
    missing = missing_tool()
    if missing:
        say("load", f"skipped: {missing}")
        return 0
    with common.throwaway() as bench:
        run(bench, duration=args.duration, scale=args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
