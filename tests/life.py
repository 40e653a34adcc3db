"""The demo ward's next year through each state of its life, and what test_year_life needs to
walk every page of it: the states, built through the models' own write paths and each kept in a
savepoint; the requests, each rolled back; the forms of a page as a browser submits them; the
tally printed at the end of the run.

Starting from the demo's latest open year Y, the year after it (Y+1) is set up, planned,
reported at six months, estimated, given its final figures (and the reasons for those below
plan), closed, reopened with a reason; then Y+2 is set up from it.
"""

import datetime
import os
import re
import secrets
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from unittest import mock
from urllib.parse import urljoin, urlsplit

from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cells.models import CellYear, Level, RatingStep, Share, Task, TaskNote, TaskStatus
from committees.models import Committee
from targets import imports
from targets.forms import NextYearForm
from targets.models import Evidence, Figure, Year
from targets.progress import Direction, Kind
from targets.stages import Stage

from .helpers import CAU_THIA, fields_of
from .test_access import make_evidence, make_import

STATES = ("set_up", "plans", "half", "estimate", "final", "closed", "reopened", "next_set_up")
REOPEN_REASON = "Điều chỉnh số liệu thực hiện theo kết luận kiểm tra của Ban Thường vụ Thị ủy"
SUPERUSER = "quantri"
# Each seventh target ends the year below plan, and says why.
SHORT_EVERY = 7
# The cells of each split target that report at six months: not all of them, as in the demo.
REPORTING_AT_HALF = 7


def seed_of(config):
    """The run's seed: LIFE_SEED if set (to replay a run), else one for the whole run, the same
    in every xdist worker (their common test run id), else a new one."""
    if os.environ.get("LIFE_SEED"):
        return os.environ["LIFE_SEED"]
    run = getattr(config, "workerinput", {}).get("testrunuid")
    return run[:8] if run else secrets.token_hex(4)


@dataclass
class Facts:
    """What the pages of a state are asked with: pks and plain values, read again per test."""

    state: str
    years: list  # the years whose pages are walked, the state's own first
    tasks: dict = field(default_factory=dict)  # {year: {cell number: task pk}}
    evidence: dict = field(default_factory=dict)  # {year: evidence pk}
    imports: dict = field(default_factory=dict)  # {year: {uploader's username: import pk}}
    evidence_files: dict = field(default_factory=dict)  # {stored name: content}
    build_seconds: float = 0  # the CPU time it took to put the database in this state


def whole(value):
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def amount(figure, share):
    """``share`` (a fraction) of the figure's plan, as the figure's kind writes it."""
    kind = figure.target.kind
    if kind == Kind.MILESTONE:
        return Decimal(1 if share >= 1 else 0)
    value = figure.plan * Decimal(str(share))
    if kind == Kind.RATE:
        return min(value, Decimal(100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return whole(value)


def year_end(figure, short):
    """The full-year figure: the plan met, or ``short`` of it (a ceiling overrun)."""
    if not short:
        return figure.plan
    lower = figure.target.direction == Direction.LOWER
    if figure.target.kind == Kind.MILESTONE:
        return Decimal(0)
    value = amount(figure, 1.1 if lower else 0.9)
    return value + 1 if lower and value == figure.plan else value


class Life:
    """The states of the year, built in order in one outer transaction, each kept in a
    savepoint: going back to an earlier state rolls back to its savepoint, going on builds the
    next states from the current one. Rolled back whole at the end."""

    def __init__(self, blocker, evidence_dir):
        self.blocker = blocker
        self.storage = FileSystemStorage(location=evidence_dir, base_url=None)
        self.built = []  # [(Facts, savepoint id)], in the order of STATES
        with self.using_database():
            self.outer = transaction.atomic()
            self.outer.__enter__()
            if not Year.objects.exists():  # after a test with transactions of its own
                call_command("load_demo", verbosity=0)
            users = get_user_model().objects
            self.staff = users.get(username="bithu")
            users.create_superuser(SUPERUSER, f"{SUPERUSER}@example.org", None)
            self.committee = Committee.objects.get(slug=CAU_THIA)
            self.base = self.committee.years.open().order_by("-year").first()
            self.start = transaction.savepoint()

    @contextmanager
    def using_database(self):
        field = Evidence._meta.get_field("file")
        with self.blocker.unblock(), mock.patch.object(field, "storage", self.storage):
            yield

    def end(self):
        with self.using_database():
            transaction.set_rollback(True)
            self.outer.__exit__(None, None, None)

    def at(self, state):
        """The Facts of ``state``, the database put in it."""
        wanted = STATES.index(state)
        with self.using_database():
            if len(self.built) > wanted:
                del self.built[wanted + 1 :]
                transaction.savepoint_rollback(self.built[wanted][1])
            elif not self.built:
                transaction.savepoint_rollback(self.start)
            while len(self.built) <= wanted:
                facts = getattr(self, STATES[len(self.built)])()
                self.built.append((facts, transaction.savepoint()))
        return self.built[wanted][0]

    # The states, each from the one before.

    @property
    def following(self):
        return self.committee.years.get(year=self.base.year + 1)

    def figures(self, year=None):
        return list(
            Figure.objects.filter(year=year or self.following)
            .select_related("target", "year")
            .order_by("target__position")
        )

    def set_up(self):
        return self.open_after(self.base, "set_up")

    def open_after(self, year, state):
        """Set up the year after ``year`` as its next-year page does, with what the office
        needs in it from the start: a task for each cell, an evidence file, an import preview
        each for the ward secretary and the superuser."""
        names = {name: getattr(year, name) for name in NextYearForm.Meta.fields}
        carried = [figure.target for figure in self.figures(year)]
        following = year.open_following(names=names, carried=carried, new_targets=[], by=self.staff)
        last_tasks = {task.cell_id: task for task in Task.objects.filter(year=year)}
        tasks = {}
        for cell in self.committee.cells.filter(is_active=True):
            target = last_tasks[cell.pk].target if cell.pk in last_tasks else carried[0]
            task = Task(
                cell=cell,
                year=following,
                target=target,
                description=f"Vận động hộ gia đình thực hiện chỉ tiêu năm {following.year}",
                responsible="Bí thư chi bộ",
                due_date=datetime.date(following.year, 6, 30),
            )
            task.save(changed_by=self.staff)
            tasks[cell.number] = task.pk
        evidence = make_evidence(self.figures(following)[0], self.staff)
        # The superuser's workbook changed nothing, and is written: on record for the office.
        superuser = get_user_model().objects.get(username=SUPERUSER)
        written = make_import(following, superuser, {})
        imports.write(written, superuser)
        facts = Facts(state, [following.year])
        facts.tasks[following.year] = tasks
        facts.evidence[following.year] = evidence.pk
        with evidence.file.open("rb") as stored:
            facts.evidence_files[evidence.file.name] = stored.read()
        facts.imports[following.year] = {SUPERUSER: written.pk, "bithu": self.preview(following)}
        return facts

    def preview(self, year):
        """A preview of the office's, made now: one plan changed, to be written."""
        target = Figure.objects.filter(year=year).order_by("target__position").last().target
        return make_import(year, self.staff, {target.slug: {"plan": 3}}).pk

    def carry(self, state):
        """The Facts of the state before, as this state's; while the year is open, with a
        preview of the office's made now (one made before the figures moved on is refused
        as stale, rightly)."""
        before = self.built[-1][0]
        facts = Facts(
            state,
            list(before.years),
            dict(before.tasks),
            dict(before.evidence),
            {year: dict(of_year) for year, of_year in before.imports.items()},
            dict(before.evidence_files),
        )
        following = self.following
        if not following.is_closed:
            facts.imports[following.year]["bithu"] = self.preview(following)
        return facts

    def plans(self):
        """Each target's plan as last year's (a qualitative one: to maintain it); the plans
        of the targets split among cells last year split again among the same cells."""
        last = {f.target_id: f for f in self.figures(self.base)}
        for figure in self.figures():
            before = last[figure.target_id]
            plan = before.plan if before.plan is not None else before.actual
            if figure.target.kind == Kind.MILESTONE or plan is None:
                plan = Decimal(1) if figure.target.kind == Kind.MILESTONE else Decimal(10)
            figure.plan = plan
            figure.save(changed_by=self.staff)
        following = self.following
        for share in Share.objects.filter(year=self.base).select_related("figure", "cell"):
            figure = Figure.objects.get(year=following, target_id=share.figure.target_id)
            Share(cell=share.cell, figure=figure).write({"plan": share.plan}, self.staff, 0)
        return self.carry("plans")

    def half(self):
        """Six months: each figure halfway (a rate and a milestone at their level); each
        cell's task in progress with a note; most cells report their shares."""
        for figure in self.figures():
            level = figure.target.kind in (Kind.RATE, Kind.MILESTONE)
            figure.actual_half = amount(figure, 1 if level else 0.5)
            figure.save(changed_by=self.staff)
        for task in Task.objects.filter(year=self.following):
            task.status = TaskStatus.IN_PROGRESS
            task.save(changed_by=self.staff)
            TaskNote(
                task=task, text="Đã họp chi bộ, phân công đảng viên phụ trách từng ngõ."
            ).save()
        self.report_shares(Stage.HALF, 0.5, REPORTING_AT_HALF)
        return self.carry("half")

    def report_shares(self, stage, share, reporting=None):
        by_figure = {}
        for found in Share.objects.filter(year=self.following).order_by("cell__number"):
            by_figure.setdefault(found.figure_id, []).append(found)
        for shares in by_figure.values():
            for found in shares[:reporting]:
                value = whole(found.plan * Decimal(str(share)))
                found.write({Stage(stage).field: value}, self.staff, found.version)

    def estimate(self):
        """The estimate for the year: the final figure to come; the cells' too."""
        for number, figure in enumerate(self.figures()):
            figure.actual_estimate = year_end(figure, number % SHORT_EVERY == 0)
            figure.save(changed_by=self.staff)
        self.report_shares(Stage.ESTIMATE, 1)
        return self.carry("estimate")

    def final(self):
        """The final figures, every target with a plan (qualitative ones too), each below plan
        with its reason; the cells' finals; each cell's self-assessment, half of them decided."""
        for number, figure in enumerate(self.figures()):
            figure.actual = year_end(figure, number % SHORT_EVERY == 0)
            if figure.needs_reason:
                figure.reason = "Nguồn lực còn hạn chế; một số hộ chưa đồng thuận."
            figure.save(changed_by=self.staff)
        self.report_shares(Stage.FINAL, 1)
        following = self.following
        last = {cy.cell_id: cy for cy in CellYear.objects.filter(year=self.base)}
        for cell in self.committee.cells.filter(is_active=True):
            cell_year = CellYear.objects.filter(cell=cell, year=following).first()
            if cell_year is None:  # as the cell's first rating step makes it
                cell_year = CellYear(cell=cell, year=following)
            members = cell_year.members or getattr(last.get(cell.pk), "members", 0) or 20
            cell_year.members = members
            cell_year.save(changed_by=self.staff)
            RatingStep(
                cell_year=cell_year,
                step=RatingStep.Step.SELF,
                rating=Level.GOOD,
                members_good=members,
                by=self.staff,
                at=timezone.now(),
            ).save(changed_by=self.staff)
            if cell.number % 2:
                cell_year.rating, cell_year.members_good = Level.GOOD, members
                cell_year.decided_by, cell_year.decided_at = self.staff, timezone.now()
                cell_year.save(changed_by=self.staff)
        return self.carry("final")

    def closed(self):
        self.following.close(by=self.staff)
        return self.carry("closed")

    def reopened(self):
        self.following.reopen(by=self.staff, reason=REOPEN_REASON)
        return self.carry("reopened")

    def next_set_up(self):
        """Y+2 set up from Y+1: its pages first, then Y+1's again, now with a year after it."""
        facts = self.open_after(self.following, "next_set_up")
        before = self.carry("next_set_up")
        facts.years += before.years
        for name in ("tasks", "evidence", "imports", "evidence_files"):
            getattr(facts, name).update(getattr(before, name))
        return facts


# Requests.


def send(client, method, url, data=None):
    """The response to one request, whose changes to the data and the session are undone;
    its body read (a download's too) before the rollback."""
    cookies = SimpleCookie()
    cookies.update(client.cookies)
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        if response.streaming:
            # Read to the end, the test client closes it as a server would; closing it here
            # would also close the database connection, which a request's end does.
            response.body = b"".join(response.streaming_content)
        else:
            response.body = response.content
        transaction.set_rollback(True)
    client.cookies = cookies  # signing out, or in, lasts for one request only
    return response


ROOT = Path(__file__).resolve().parent.parent


def crash_of(response):
    """The exception behind a 500, as "ValueError: … (at cells/views.py:123)": the last line
    of the project's own code it went through."""
    if not getattr(response, "exc_info", None):
        return ""
    kind, error, trace = response.exc_info
    where = ""
    while trace is not None:
        path = Path(trace.tb_frame.f_code.co_filename).resolve()
        if path.is_relative_to(ROOT) and path.parts[len(ROOT.parts)] not in (".venv", "tests"):
            where = f"{path.relative_to(ROOT)}:{trace.tb_lineno}"
        trace = trace.tb_next
    text = re.sub(r"\s+", " ", str(error))[:200]
    return f"{kind.__name__}: {text}" + (f" (at {where})" if where else "")


class _Tags(HTMLParser):
    """The attributes of a form's opening tag and its named submit buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.form = None
        self.buttons = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form is None:
            self.form = attrs
        elif "disabled" in attrs or not attrs.get("name"):
            return
        elif (tag == "button" and attrs.get("type", "submit") == "submit") or (
            tag == "input" and attrs.get("type") in ("submit", "image")
        ):
            self.buttons.append((attrs["name"], attrs.get("value") or ""))


FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)


def posted_forms(url, html):
    """[(address, data)] of each POST form of a page at ``url``, as a browser submits it
    rendered: once per named submit button (the one clicked is sent), once if it has none."""
    found = []
    for form in FORM.findall(html):
        tags = _Tags()
        tags.feed(form)
        if tags.form.get("method", "get").lower() != "post":
            continue
        address = urljoin(url, tags.form.get("action") or url)
        inner = form[form.index(">") + 1 : form.rindex("<")]
        data = fields_of(inner)
        for name, value in tags.buttons or [(None, None)]:
            found.append((address, data if name is None else data | {name: value}))
    return found


def path_of(address):
    parts = urlsplit(address)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# The tally of the run, for the summary at its end (see tests/conftest.py).

PROPERTY = "year_life"
ROLE_KINDS = ("anonymous", "ward staff", SUPERUSER)


def tally(walk, seconds, build_seconds):
    """What one test asked and was answered, as a user property of its report."""
    return (
        PROPERTY,
        {
            "state": walk.facts.state,
            "role": walk.role,
            "seed": walk.seed,
            "requests": sum(walk.statuses.values()),
            "statuses": {str(status): n for status, n in walk.statuses.items()},
            "patterns": sorted(walk.patterns),
            "crashes": walk.crashes,
            "seconds": round(seconds, 2),
            "build_seconds": round(build_seconds, 2),
            "worker": os.environ.get("PYTEST_XDIST_WORKER", ""),
        },
    )


def summarize(terminalreporter):
    """Print what the year's life tests asked and were answered, from each test's report (in
    one process or several: the reports carry it to the controller)."""
    tallies = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == PROPERTY
    ]
    if not tallies:
        return
    statuses = Counter()
    for one in tallies:
        statuses.update({int(status): n for status, n in one["statuses"].items()})
    states = sorted({one["state"] for one in tallies}, key=STATES.index)
    roles = {one["role"] for one in tallies}
    patterns = {pattern for one in tallies for pattern in one["patterns"]}
    seeds = sorted({one["seed"] for one in tallies})
    workers = {one["worker"] for one in tallies}
    builds = {(one["worker"], one["state"]): one["build_seconds"] for one in tallies}
    write = terminalreporter.write_line
    terminalreporter.write_sep("-", f"the year's life (seed {', '.join(seeds)}: LIFE_SEED replays)")
    write(
        f"{len(tallies)} tests over {len(states)} states and {len(roles)} roles; "
        f"{len(patterns)} URL patterns and admin pages asked for; "
        f"{sum(one['requests'] for one in tallies)} requests in "
        f"{sum(one['seconds'] for one in tallies):.1f} s of CPU, states built in "
        f"{sum(builds.values()):.1f} s" + (f" ({len(workers)} workers)" if workers != {""} else "")
    )
    write("answers: " + ", ".join(f"{s} × {n}" for s, n in sorted(statuses.items())))
    seconds = Counter()
    for one in tallies:
        seconds[one["role"] if one["role"] in ROLE_KINDS else "cell secretaries"] += one["seconds"]
    write("CPU: " + ", ".join(f"{role} {s:.1f} s" for role, s in seconds.items()))
    for state in states:
        of_state = [one for one in tallies if one["state"] == state]
        crashes = [crash for one in of_state for crash in one["crashes"]]
        write(
            f"  {state}: {sum(one['requests'] for one in of_state)} requests by "
            f"{len(of_state)} roles, {len(crashes)} answered 500"
        )
