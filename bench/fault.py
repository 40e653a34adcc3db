"""The app under load while a gunicorn worker is killed and PostgreSQL restarts: nothing a user
saved is lost, no import is half written, and errors come only while the database is down.

A PostgreSQL cluster of its own (initdb into a temporary folder, as the user postgres when run
as root; fsync off) on a free loopback port holds the throwaway database (``bench.common``): the
demo ward, and 30 ward staff accounts made for the run. gunicorn serves it as in production
(``--workers`` sync workers, production settings). Each simulated user signs in once through the
sign-in form, with a cookie jar of their own, then for ``--seconds`` repeats, after a short
pause, one of:

- a read: the 2024 dashboard, a target's page, or the year's report.docx;
- a grid save: the 2024 grid, the note of one row changed to a text of the user's own, the form
  posted as rendered with the versions it showed (saved: 302; someone else saved the row
  meanwhile: 409);
- an import: the 2024 report.xlsx downloaded, the plan of one of a few targets kept for imports
  raised by one, the workbook uploaded and its preview confirmed (written: 302; a figure moved
  on since the preview: 409, nothing written).

A third of the way in, one gunicorn worker is killed (SIGKILL; the master starts another); two
thirds of the way in, PostgreSQL restarts (pg_ctl restart -m fast). Printed at the end: requests
by status; errors (no answer, a 5xx, or an answer a working app does not give, such as a 400 to
a save) by phase, before, during and after the restart, where a request is "during" when it was
in flight while the database was down; the request the killed
worker was serving, lost with it; saves answered as saved against the history rows written
(each save's note is unique, so each is found by its text: a saved note with no row is a lost
update); imports started, answered as written, and written whole (every change of the preview in
the history, or none). The verdict passes when no save is lost, no import is half written, and
every error is the killed worker's own request or fell in the restart.
"""

import argparse
import http.client
import http.cookiejar
import io
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

from bench import common
from bench.common import median, num, say
from bench.load import free_port, log_tail, start_gunicorn, stop_gunicorn

YEAR = 2024
SIMULATED = 30
IMPORT_TARGETS = 4  # targets whose plans only imports change, so that imports are not all stale
# Weights of what a user does next, and the reads among themselves.
ACTIONS = {"read": 6, "grid": 3, "import": 1}
READS = {"dashboard": 5, "target": 4, "report.docx": 1}
PAUSE = (0.2, 0.8)  # seconds a user waits between actions
TIMEOUT = 60  # seconds a user waits for an answer
KILL_AT, RESTART_AT = 1 / 3, 2 / 3  # of the run
PLAN_COLUMN = 4  # of the report workbook's "Chỉ tiêu" sheet; its first column is the number
LOGIN = "/accounts/login/"
PREFIX = "mophong"  # the simulated accounts: mophong01 …
# What a working app answers each request, where that is not 200: a save, or a conflict with
# someone else's save since the page was shown.
EXPECTED = {"sign in": {302}, "grid save": {302, 409}, "upload": {302}, "write": {302, 409}}
INITDB_OPTIONS = ("-E", "UTF8", "--locale=C.UTF-8")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# The PostgreSQL cluster.


def pg_bin():
    """The folder of the newest PostgreSQL server programs installed, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=version_of)
    if found:
        return found[-1].parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def version_of(path):
    return [int(part) if part.isdigit() else 0 for part in path.parent.parent.name.split(".")]


class Cluster:
    """A PostgreSQL cluster in a folder of its own, started on ``port``: the server programs run
    as the user postgres when this runs as root (the server refuses root)."""

    def __init__(self, folder, port):
        self.folder, self.port = folder, port
        self.data, self.log = folder / "data", folder / "server.log"
        self.bin = pg_bin()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(folder, self.user)

    def run(self, *command):
        return subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            user=self.user,
            cwd=self.folder,
            capture_output=True,
            text=True,
            check=True,
        )

    def start(self):
        self.run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", *INITDB_OPTIONS)
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-o", options, "start")

    def restart(self):
        self.run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-m", "fast", "restart")

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [str(self.bin / "pg_ctl"), "-D", self.data, "-m", "immediate", "stop"],
                user=self.user,
                cwd=self.folder,
                capture_output=True,
            )

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/cauthia"


@contextmanager
def cluster():
    folder = Path(tempfile.mkdtemp(prefix="cauthia-fault-pg-"))
    server = Cluster(folder, free_port())
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


# gunicorn.


def workers_of(master):
    """The process ids of gunicorn's workers: the children of its master."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == master:
            children.append(int(stat.parent.name))
    return sorted(children)


# The simulated users.


class Loopback(http.cookiejar.DefaultCookiePolicy):
    """Browsers count the loopback as a secure context: the app's Secure cookies (production
    settings) are sent back to it over plain HTTP."""

    def return_ok_secure(self, cookie, request):
        return True


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to record, not to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    kind: str  # read, grid, import, sign-in
    what: str  # the page, e.g. "grid save"
    started: float
    ended: float
    status: int | None  # None: no answer (the connection failed)
    error: str = ""
    body: bytes = b""
    location: str = ""

    @property
    def failed(self):
        return self.status is None or self.status >= 500


@dataclass
class Tally:
    """What every user asked and was answered, and what they saved, shared by the threads."""

    answers: list = field(default_factory=list)
    saved: list = field(default_factory=list)  # notes answered as saved
    unknown_saves: list = field(default_factory=list)  # notes of saves with no answer
    imports: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer):
        with self.lock:
            self.answers.append(answer)


class User:
    """One simulated member of the ward's office: an account, a cookie jar, a random stream."""

    def __init__(self, simulation, number):
        self.simulation, self.number = simulation, number
        self.username = username(number)
        self.rng = random.Random(f"{simulation.seed}:{number}")
        jar = http.cookiejar.CookieJar(policy=Loopback())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), KeepRedirects()
        )
        self.saves = 0

    def ask(self, kind, what, path, data=None, content_type=None):
        """One request, recorded: its answer's status, body and where it redirects."""
        headers = {"Content-Type": content_type} if content_type else {}
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.simulation.port}{path}", data=data, headers=headers
        )
        started = self.simulation.clock()
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:  # 3xx (kept), 4xx, 5xx
            status, headers, body = error.code, error.headers, error.read()
        except (OSError, http.client.HTTPException) as error:
            answer = Answer(
                kind, what, started, self.simulation.clock(), None, type(error).__name__
            )
            self.simulation.tally.add(answer)
            return answer
        location = urlsplit(headers.get("Location", "")).path
        answer = Answer(
            kind, what, started, self.simulation.clock(), status, body=body, location=location
        )
        self.simulation.tally.add(answer)
        return answer

    def post(self, kind, what, path, fields):
        body = urlencode(fields).encode()
        return self.ask(kind, what, path, body, "application/x-www-form-urlencoded")

    def sign_in(self):
        page = self.ask("sign-in", "sign-in page", LOGIN)
        fields = form_of(page) | {"username": self.username, "password": self.simulation.password}
        answer = self.post("sign-in", "sign in", LOGIN, fields)
        if answer.status != 302 or answer.location == LOGIN:
            raise RuntimeError(f"{self.username} could not sign in: {answer.status}")

    def work(self):
        while not self.simulation.over():
            time.sleep(self.rng.uniform(*PAUSE))
            action = pick(self.rng, ACTIONS)
            {"read": self.read, "grid": self.grid, "import": self.import_workbook}[action]()

    def read(self):
        page = pick(self.rng, READS)
        path = {
            "dashboard": f"/cau-thia/{YEAR}/",
            "target": f"/cau-thia/{YEAR}/targets/{self.rng.choice(self.simulation.slugs)}/",
            "report.docx": f"/cau-thia/{YEAR}/report.docx",
        }[page]
        self.ask("read", page, path)

    def grid(self):
        """The note of one row changed, the grid's form posted as rendered."""
        page = self.ask("grid", "grid", f"/cau-thia/{YEAR}/grid/")
        if page.status != 200:
            return
        fields = form_of(page, {"class": "grid-form"})
        pk = self.rng.choice(self.simulation.grid_figures)
        self.saves += 1
        note = f"Ghi chú của {self.username}, lần {self.saves}"
        fields[f"f{pk}-note"] = note
        answer = self.post("grid", "grid save", f"/cau-thia/{YEAR}/grid/", fields)
        with self.simulation.tally.lock:
            if answer.status == 302:
                self.simulation.tally.saved.append(note)
            elif answer.failed:  # the save may have been written before the error
                self.simulation.tally.unknown_saves.append(note)

    def import_workbook(self):
        """The year's workbook as the app exports it, one plan raised, uploaded and written."""
        counts = self.simulation.tally.imports
        exported = self.ask("import", "report.xlsx", f"/cau-thia/{YEAR}/report.xlsx")
        if exported.status != 200:
            return
        form = self.ask("import", "upload page", f"/cau-thia/{YEAR}/import/")
        if form.status != 200:
            return
        fields = form_of(form, {"class": "import-form"})
        workbook = raised(exported.body, self.rng.choice(self.simulation.import_positions))
        body, content_type = multipart(fields, "file", f"bao-cao-{YEAR}.xlsx", workbook)
        with self.simulation.tally.lock:
            counts["started"] += 1
        upload = self.ask("import", "upload", f"/cau-thia/{YEAR}/import/", body, content_type)
        if upload.status != 302:
            return
        preview = self.ask("import", "preview", upload.location)
        if preview.status != 200:
            return
        fields = form_of(preview, {"class": "write-form"}) | {"action": "write"}
        answer = self.post("import", "write", upload.location, fields)
        with self.simulation.tally.lock:
            if answer.status == 302 and answer.location == f"/cau-thia/{YEAR}/":
                counts["answered as written"] += 1
            elif answer.status == 409:
                counts["refused as stale"] += 1
            elif answer.failed:
                counts["unknown"] += 1


def pick(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def form_of(answer, selector=None):
    """What a browser posts from the page's form, as rendered (tests/helpers.py's reader)."""
    from tests.helpers import form_data

    return form_data(SimpleNamespace(content=answer.body), selector)


def raised(content, position):
    """The workbook ``content`` with the plan of the target numbered ``position`` one more."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    for (number,) in sheet.iter_rows(min_col=1, max_col=1):
        if number.value == position:
            plan = sheet.cell(number.row, PLAN_COLUMN)
            plan.value = (plan.value or 0) + 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def multipart(fields, name, filename, content):
    """A multipart/form-data body of ``fields`` and one file, and its content type."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
        f"\r\nContent-Type: {XLSX}\r\n\r\n"
    )
    parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Simulation:
    """What the users share: the clock, the accounts' password, what they may touch, what they
    were answered, and the moments of the faults."""

    def __init__(self, port, seconds, seed, password, plan):
        self.port, self.seconds, self.seed, self.password = port, seconds, seed, password
        self.slugs, self.grid_figures, self.import_positions = plan
        self.tally = Tally()
        self.start = time.monotonic()
        self.ends_at = None
        self.kill = self.restart = None  # (seconds into the run, …)

    def clock(self):
        return time.monotonic() - self.start

    def over(self):
        return self.ends_at is not None and self.clock() >= self.ends_at


# Before and after: what the database holds.


def prepare(password):
    """The simulated accounts (ward staff, one password hashed once), and what the users touch:
    (slugs of the year's targets, ids of the figures whose notes grid saves change, numbers of
    the targets whose plans imports raise: counts with a plan that one more leaves plausible)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from cells.roles import WARD_STAFF
    from targets.models import Figure
    from targets.progress import Kind

    hashed = make_password(password)
    group = Group.objects.get(name=WARD_STAFF)
    for number in range(1, SIMULATED + 1):
        user = get_user_model().objects.create(
            username=username(number), password=hashed, is_staff=True
        )
        user.groups.add(group)
    figures = sorted(
        Figure.objects.filter(year__committee__slug="cau-thia", year__year=YEAR).select_related(
            "target"
        ),
        key=lambda figure: figure.target.position,
    )
    counted = [f for f in figures if f.target.kind == Kind.COUNT and (f.plan or 0) >= 10]
    imported = counted[-IMPORT_TARGETS:]
    if not imported:
        raise RuntimeError(f"{YEAR} has no count target with a plan for imports to raise")
    return (
        [figure.target.slug for figure in figures],
        [figure.pk for figure in figures if figure not in imported],
        [figure.target.position for figure in imported],
    )


def username(number):
    return f"{PREFIX}{number:02d}"


def history_mark():
    from targets.models import FigureChange

    return FigureChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def written(mark):
    """(notes of the grid saves' history rows, [(changes previewed, history rows)] of each
    import) of the simulated users since ``mark``; an import not written previewed none."""
    from django.db import connections
    from django.db.models import Count, Q

    from targets.imports import Preview
    from targets.models import FigureChange, Import

    connections.close_all()  # the bench's own connection did not outlive the restart
    rows = FigureChange.objects.filter(
        pk__gt=mark, imported_from=None, changed_by__username__startswith=PREFIX
    )
    imports = Import.objects.filter(uploaded_by__username__startswith=PREFIX).annotate(
        rows=Count("changes", filter=Q(changes__pk__gt=mark))
    )
    return list(rows.values_list("new_note", flat=True)), [
        (len(Preview.from_json(one).changes) if one.confirmed_at else 0, one.rows)
        for one in imports
    ]


# The run.


def kill_a_worker(simulation, master, rng):
    pids = workers_of(master)
    victim = rng.choice(pids)
    os.kill(victim, signal.SIGKILL)
    simulation.kill = (simulation.clock(), victim)
    say("fault kill", f"worker {victim} of {len(pids)} (SIGKILL) at {num(simulation.clock(), 1)} s")


def restart_database(simulation, server):
    began = simulation.clock()
    server.restart()
    simulation.restart = (began, simulation.clock())
    say("fault restart", f"PostgreSQL from {num(began, 1)} s to {num(simulation.clock(), 1)} s")


def drive(simulation, users, master, server):
    """The users at work for the run's seconds; the worker killed and the database restarted
    on the way, from this thread."""
    rng = random.Random(f"{simulation.seed}:faults")
    threads = [threading.Thread(target=user.work, daemon=True) for user in users]
    seconds = simulation.seconds
    simulation.start = time.monotonic()
    simulation.ends_at = seconds
    for thread in threads:
        thread.start()
    time.sleep(seconds * KILL_AT)
    kill_a_worker(simulation, master, rng)
    time.sleep(max(0, seconds * RESTART_AT - simulation.clock()))
    restart_database(simulation, server)
    time.sleep(max(0, seconds - simulation.clock()))
    for thread in threads:
        thread.join(timeout=TIMEOUT + 10)


# The report.


def is_wrong(answer):
    """No answer, a server error, or an answer a working app does not give to that request."""
    return answer.status is None or answer.status not in EXPECTED.get(answer.what, {200})


def phase_of(answer, restart):
    """Before, during or after the restart: "during" when in flight while the database was
    down."""
    began, ended = restart
    if answer.ended >= began and answer.started <= ended:
        return "during restart"
    return "before" if answer.started < began else "after"


def lost_with_the_worker(answer, kill):
    """Whether ``answer`` is the request the killed worker was serving: in flight at the kill,
    and never answered (a sync worker serves one request at a time)."""
    return answer.status is None and answer.started <= kill[0] <= answer.ended


def report_requests(answers, master, workers):
    statuses = Counter(str(a.status) if a.status else f"no answer ({a.error})" for a in answers)
    say("requests", len(answers))
    for status, count in sorted(statuses.items()):
        say(f"requests {status}", count)
    durations = sorted(a.ended - a.started for a in answers if a.status)
    say("latency median", f"{num(median(durations) * 1000)} ms")
    say("latency p99", f"{num(durations[int(len(durations) * 0.99)] * 1000)} ms")
    say("workers after the kill", f"{len(workers_of(master))} of {workers}")


def report_errors(simulation, answers):
    """The errors by phase; returns those the faults do not explain."""
    wrong = [answer for answer in answers if is_wrong(answer)]
    lost = [answer for answer in wrong if lost_with_the_worker(answer, simulation.kill)][:1]
    phases = Counter(phase_of(answer, simulation.restart) for answer in wrong)
    for phase in ("before", "during restart", "after"):
        say(f"errors {phase}", phases[phase])
    say("errors lost with the killed worker", len(lost))
    outside = [
        answer
        for answer in wrong
        if phase_of(answer, simulation.restart) != "during restart" and answer not in lost
    ]
    for answer in outside[:10]:
        cause = answer.status or answer.error
        say("error outside the restart", f"{answer.what} at {num(answer.started, 1)} s: {cause}")
    return outside


def report_saves(tally, notes):
    """Saves against history rows; returns (lost updates, rows of no save answered)."""
    saved, found = Counter(tally.saved), Counter(notes)
    unknown = set(tally.unknown_saves)
    lost = sum((saved - found).values())
    unexplained = sum(n for note, n in (found - saved).items() if note not in unknown)
    say("saves answered as saved", sum(saved.values()))
    say("saves of unknown outcome (no answer, or an error)", len(unknown))
    say("history rows written by grid saves", len(notes))
    say("lost updates (saved, no history row)", lost)
    say("history rows of no save answered", unexplained)
    return lost, unexplained


def report_imports(counts, imports):
    """Imports started, answered and written; returns (half written, whether the imports
    written are those answered as written, give or take those of unknown outcome)."""
    whole = sum(1 for previewed, rows in imports if previewed and rows == previewed)
    half = sum(1 for previewed, rows in imports if rows != previewed)
    say("imports started", counts["started"])
    say("imports answered as written", counts["answered as written"])
    say("imports refused as stale", counts["refused as stale"])
    say("imports of unknown outcome", counts["unknown"])
    say("imports written whole", whole)
    say("imports half written", half)
    answered = counts["answered as written"]
    return half, answered <= whole <= answered + counts["unknown"]


def report(simulation, master, workers, mark):
    """Print the tallies and the verdict; return whether it passed."""
    notes, imports = written(mark)
    answers = [a for a in simulation.tally.answers if a.kind != "sign-in"]
    report_requests(answers, master, workers)
    outside = report_errors(simulation, answers)
    lost, unexplained = report_saves(simulation.tally, notes)
    half, imports_match = report_imports(simulation.tally.imports, imports)
    problems = [
        f"{len(outside)} errors outside the restart" if outside else "",
        f"{lost} lost updates" if lost else "",
        f"{unexplained} history rows of no save" if unexplained else "",
        f"{half} half-written imports" if half else "",
        "" if imports_match else "imports written differ from those answered as written",
    ]
    problems = [problem for problem in problems if problem]
    say(
        "verdict",
        "FAIL: " + "; ".join(problems)
        if problems
        else "PASS: errors only in the restart and the killed worker's own request, "
        "0 lost updates, no half-written import",
    )
    return not problems


def run(bench, server, seconds, workers, seed):
    from django.db import connections

    password = secrets.token_urlsafe(12)
    plan = prepare(password)
    mark = history_mark()
    connections.close_all()  # the server has the database to itself
    port = free_port()
    master = start_gunicorn(bench, port, workers)
    try:
        say("server", f"gunicorn, {workers} sync workers, 127.0.0.1:{port}")
        say("database server", f"PostgreSQL cluster of its own, 127.0.0.1:{server.port}")
        say("users", f"{SIMULATED}, {seconds} s, seed {seed} (--seed replays their choices)")
        simulation = Simulation(port, seconds, seed, password, plan)
        users = [User(simulation, number) for number in range(1, SIMULATED + 1)]
        signing_in = [threading.Thread(target=user.sign_in) for user in users]
        for thread in signing_in:
            thread.start()
        for thread in signing_in:
            thread.join()
        drive(simulation, users, master.pid, server)
        passed = report(simulation, master.pid, workers, mark)
        if not passed:
            say("gunicorn log (last lines)", log_tail(bench).replace("\n", " | ")[-2000:])
    finally:
        stop_gunicorn(master)
    return passed


def missing_tool():
    if pg_bin() is None:
        return "PostgreSQL's server programs are not installed (apt-get install postgresql)"
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return "gunicorn is not installed (pip install -e .)"
    if not Path("/proc/self/stat").exists():
        return "needs Linux's /proc to find gunicorn's workers"
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.fault",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=int, default=120, help="length of the run (120)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--seed", default=secrets.token_hex(4), help="replays the users' choices")
    args = parser.parse_args(argv)
    missing = missing_tool()
    if missing:
        say("fault", f"skipped: {missing}")
        return 0
    with cluster() as server:
        os.environ["DATABASE_URL"] = server.url
        with common.throwaway() as bench:
            passed = run(bench, server, args.seconds, args.workers, args.seed)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
