"""Every page the two roles reach passes axe-core and the Nu HTML checker.

The ward secretary (bithu), a cell secretary (chibo3) and a visitor not signed in each walk
every page they can reach, in both years, in the states a person meets them in: an open and a
closed year, a form refused, a message after saving, a page not found or not allowed, a form
expired, a sign-in locked out. On each page, in Chromium, axe-core looks for violations of the
accessibility rules: none may be serious or critical. The HTML the server sent goes to the Nu
HTML checker (the W3C validator), run once for the session as an HTTP service from
node_modules: it may report no error. Each test collects every page's findings before it
fails, so that one run shows them all. The walks come in parts, each a test; where the two years
show the same page, a run checks it in one of them, drawn from the run's seed
(ACCESSIBILITY_SEED replays a run), and the other in another run.

Without Java, axe-core or vnu-jar (``npm ci`` installs both into node_modules/) the tests are
skipped with the reason, as they are without Chromium; on CI (CI=true) that is a failure.
"""

import json
import os
import random
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from playwright.sync_api import expect

from cells.models import Task
from cells.roles import WARD_STAFF
from committees.models import Account, Committee
from targets.models import Year

from .helpers import CAU_THIA
from .sampling import run_seed
from .test_browser import (  # noqa: F401  (fixtures are found by their names in this module)
    BHYT,
    PASSWORD,
    browser,
    demo_ward,
    open_page,
    orm_beside_playwright,
    plain_http_live_server,
    served_on_this_connection,
    sign_in,
)

pytestmark = pytest.mark.browser

SAMPLE_SHEET = Path(__file__).resolve().parent.parent / "fixtures" / "mau-nhap-so-lieu-2024.xlsx"

NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
NO_NODE_MODULES = "{} is missing (cd to the repository and run: npm ci --ignore-scripts)"
NO_JAVA = "Java is not installed (apt-get install default-jre-headless)"

MILESTONE = "pho-cap-giao-duc"  # a yes/no target
NO_PLAN = "dang-vien-hoan-thanh-tot-nhiem-vu"  # 2023: an actual, but no plan set
NO_DATA = "san-luong-luong-thuc"  # 2024: a plan, no actual yet
CEILING = "toi-pham-trat-tu-xa-hoi"  # lower is better

# axe-core's serious and critical violations, each with the elements it found them on.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(violation => ["serious", "critical"].includes(violation.impact))
    .map(violation => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map(node => ({
        target: node.target.map(String).join(" "),
        html: node.html,
        summary: node.failureSummary,
      })),
    }));
}"""
SHOWN_NODES = 5


def missing(reason):
    """Skip with the reason; on CI, fail: CI must run these checks."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the accessibility and HTML checks.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        missing(NO_NODE_MODULES.format(AXE.relative_to(settings.BASE_DIR)))
    return AXE.read_text(encoding="utf-8")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def nu_checker(tmp_path_factory):
    """The Nu HTML checker as an HTTP service on this machine, started once for the session;
    a function that returns its messages about a page's HTML."""
    java = shutil.which("java")
    if java is None:
        missing(NO_JAVA)
    if not VNU.exists():
        missing(NO_NODE_MODULES.format(VNU.relative_to(settings.BASE_DIR)))
    port = free_port()
    log_path = tmp_path_factory.mktemp("vnu") / "vnu.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                java,
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(VNU),
                "nu.validator.servlet.Main",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    address = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"the Nu HTML checker stopped (exit {process.returncode}):\n"
                    + log_path.read_text(errors="replace")[-2000:],
                    pytrace=False,
                )
            try:
                with urllib.request.urlopen(address, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"the Nu HTML checker did not answer at {address}", pytrace=False)
                time.sleep(0.2)

        def check(html):
            request = urllib.request.Request(
                f"{address}?out=json",
                data=html.encode("utf-8"),
                headers={"Content-Type": "text/html; charset=utf-8"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.load(answer)["messages"]

        yield check
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def shorten(text, length=160):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


class Audit:
    """The pages of one journey, each checked as it is reached: axe-core in the page, the Nu
    HTML checker on the HTML the server sent (checked meanwhile, in a thread). What they find
    is collected, page by page, for one report at the end."""

    def __init__(self, page, axe_source, nu_checker, pool, who):
        self.page, self.axe_source, self.nu_checker, self.who = page, axe_source, nu_checker, who
        self.pool = pool
        self.findings = []
        self.pages = []

    def visit(self, path, status=200, what=""):
        """Go to ``path`` and check the page it answers with."""
        self.check(self.page.goto(path), status, what)

    def submit(self, action, status=200, what=""):
        """Do ``action`` (a click that sends a form, say) and check the page it leads to."""
        with self.page.expect_navigation() as navigation:
            action()
        self.check(navigation.value, status, what)

    def check(self, response, status, what):
        address = urlsplit(response.url)
        path = f"{address.path}?{address.query}" if address.query else address.path
        name = f"{shorten(path, 100)} ({what})" if what else shorten(path, 100)
        self.pages.append(name)
        found = []
        if response.status != status:
            found.append(f"answered {response.status}, not {status}")
        html = response.text()
        messages = self.pool.submit(self.nu_checker, html)
        self.page.evaluate(self.axe_source)
        for violation in self.page.evaluate(AXE_RUN):
            nodes = violation["nodes"]
            found.append(
                f"axe {violation['id']} ({violation['impact']}, {len(nodes)} element"
                f"{'s' if len(nodes) != 1 else ''}): {violation['help']}"
            )
            for node in nodes[:SHOWN_NODES]:
                found.append(f"    {node['target']}  {shorten(node['html'])}")
                summary = node["summary"].splitlines()[1:2] if node["summary"] else []
                found.extend(f"      {shorten(line)}" for line in summary)
            if len(nodes) > SHOWN_NODES:
                found.append(f"    … and {len(nodes) - SHOWN_NODES} more")
        errors = {}
        for message in messages.result():
            if message["type"] in ("error", "non-document-error"):
                errors.setdefault(message["message"], []).append(message)
        for text, alike in errors.items():
            lines = ", ".join(str(m.get("lastLine", "?")) for m in alike[:SHOWN_NODES])
            more = f" and {len(alike) - SHOWN_NODES} more" if len(alike) > SHOWN_NODES else ""
            found.append(f"Nu error on line {lines}{more}: {text}")
            found.append(f"    {shorten(alike[0].get('extract', ''))}")
        if found:
            self.findings.append(f"{name}:\n  " + "\n  ".join(found))

    def report(self, seed=None):
        replay = f" (ACCESSIBILITY_SEED={seed} replays the pages drawn)" if seed else ""
        return (
            f"{len(self.findings)} of the {len(self.pages)} pages {self.who} reached break "
            f"a rule{replay}:\n\n" + "\n\n".join(self.findings)
        )


@pytest.fixture
def audit(open_page, axe_source, nu_checker):  # noqa: F811  (the fixture imported above)
    """An audit of the pages ``who`` sees in a fresh browser context."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield lambda who: Audit(open_page(), axe_source, nu_checker, pool, who)


# The ward secretary's pages, walked in parts. The pages of the two years alike (a year's
# dashboard, grid, report, cells and a cell's page) are each checked in one of the years,
# drawn from the run's seed, the other in another run (ACCESSIBILITY_SEED replays a run).
YEAR_PAGES = ["", "grid/", "report/", "cells/", "cells/3/"]
TARGET_KINDS = [(2023, BHYT), (2023, MILESTONE), (2023, NO_PLAN), (2024, NO_DATA), (2024, CEILING)]
CLOSED_PAGES = ["grid/", "report/", "cells/", "cells/3/", f"targets/{BHYT}/"]


@pytest.fixture(scope="session")
def seed(pytestconfig):
    return run_seed(pytestconfig, "ACCESSIBILITY_SEED")


@pytest.fixture
def ward_secretary(audit):
    pages = audit("the ward secretary")
    sign_in(pages.page, "bithu")
    return pages


def cau_thia(number):
    """The demo ward's year ``number``."""
    return Year.objects.get(committee__slug=CAU_THIA, year=number)


def save_button(page):
    return lambda: page.locator("main form").get_by_role("button", name="Lưu", exact=True).click()


# The year's pages in two halves, each a test of its own within the time a test may take.
@pytest.mark.parametrize("half", [0, 1])
def test_the_ward_secretarys_pages_of_a_year_pass_axe_core_and_the_nu_html_checker(
    ward_secretary, seed, half
):
    pages = ward_secretary
    rng = random.Random(f"{seed}:years")
    years = {path: rng.choice((2023, 2024)) for path in YEAR_PAGES}
    if half == 0:
        pages.visit("/", what="on to this year's targets")
    else:
        pages.visit("/cau-thia/2023/?area=2&assessment=not_met", what="filtered")
        pages.visit("/cau-thia/2023/?assessment=no_data", what="filtered to nothing")
    for path in YEAR_PAGES[half::2]:
        pages.visit(f"/cau-thia/{years[path]}/{path}")
    assert not pages.findings, pages.report(seed)


def test_each_kind_of_target_page_passes_axe_core_and_the_nu_html_checker(ward_secretary):
    pages = ward_secretary
    for year, slug in TARGET_KINDS:
        pages.visit(f"/cau-thia/{year}/targets/{slug}/")
        pages.visit(f"/cau-thia/{year}/targets/{slug}/edit/")
    assert not pages.findings, pages.report()


def test_the_ward_secretarys_forms_refused_saved_and_expired_pass_axe_core_and_nu(
    ward_secretary,
):
    pages = ward_secretary
    page = pages.page
    save = save_button(page)
    pages.visit(f"/cau-thia/2023/targets/{BHYT}/edit/")
    page.locator("input[name='actual']").fill("95.77")
    pages.submit(save, 400, "a number refused")
    page.locator("input[name='actual']").fill("95,77")
    pages.submit(save, what="after saving")
    pages.visit("/cau-thia/2024/grid/")
    budget = page.locator("tbody tr", has_text="Thu ngân sách nhà nước trên địa bàn")
    budget.locator("td.input input").first.fill("abc")
    pages.submit(
        lambda: page.get_by_role("button", name="Lưu thay đổi").click(), 400, "a value refused"
    )
    assert not pages.findings, pages.report()


def test_a_cells_task_and_rating_forms_refused_saved_and_expired_pass_axe_core_and_nu(
    ward_secretary,
):
    """A cell's task and rating forms; a form sent too late."""
    pages = ward_secretary
    page = pages.page
    save = save_button(page)
    pages.visit("/cau-thia/2023/cells/3/tasks/add/")
    pages.submit(save, 400, "nothing filled")
    task = Task.objects.filter(year=cau_thia(2023), cell__number=3).first()
    pages.visit(f"/cau-thia/2023/cells/3/tasks/{task.pk}/edit/")
    page.locator("main input[name='csrfmiddlewaretoken']").evaluate("input => input.value = 'x'")
    pages.submit(save, 403, "the form expired")
    pages.visit("/cau-thia/2023/cells/3/rating/")
    pages.submit(save, what="after saving")
    assert not pages.findings, pages.report()


def test_the_report_text_the_cells_reports_and_an_import_pass_axe_core_and_nu(ward_secretary):
    pages = ward_secretary
    page = pages.page
    # The report's text, and what the cells report up: shares, their split, the rating's steps.
    pages.visit("/cau-thia/2024/report/text/")
    pages.visit("/cau-thia/2024/report/text/?stage=half")
    pages.visit("/cau-thia/2024/targets/trong-cay-phan-tan/")
    pages.visit("/cau-thia/2024/cells/shares/trong-cay-phan-tan/")
    pages.visit("/cau-thia/2024/cells/3/shares/?stage=half")
    pages.visit("/cau-thia/2024/cells/3/rating/proposal/")
    pages.visit("/cau-thia/2024/cells/3/digest/")

    # Figures brought in from Excel: no file chosen, then the sample sheet's preview.
    pages.visit("/cau-thia/2024/import/")

    def upload():
        page.get_by_role("button", name="Tải lên và xem trước").click()

    pages.submit(upload, 400, "no file chosen")
    page.locator("input[name='file']").set_input_files(SAMPLE_SHEET)
    page.locator("input[name='stage'][value='estimate']").check()
    pages.submit(upload, what="the sample sheet's preview")
    assert not pages.findings, pages.report()


def test_the_password_pages_and_a_page_not_found_pass_axe_core_and_the_nu_html_checker(
    ward_secretary,
):
    pages = ward_secretary
    page = pages.page
    pages.visit("/accounts/password/")
    for field, value in [
        ("old_password", "not-it"),
        ("new_password1", "a"),
        ("new_password2", "b"),
    ]:
        page.locator(f"input[name='{field}']").fill(value)
    pages.submit(
        lambda: page.locator("main form").get_by_role("button", name="Đổi mật khẩu").click(),
        what="refused",
    )
    pages.visit("/accounts/password/done/")
    pages.visit("/cau-thia/2023/no-such-page/", 404)
    assert not pages.findings, pages.report()


def test_the_review_before_closing_and_a_closed_year_pass_axe_core_and_the_nu_html_checker(
    ward_secretary, seed
):
    """2024 with what blocks it and its estimates to take; 2023 refused without the
    confirmation, then closed with it. Its pages are then read-only: three of them each run,
    drawn from the run's seed."""
    pages = ward_secretary
    page = pages.page
    pages.visit("/cau-thia/2024/close/", what="blocked")
    pages.visit("/cau-thia/2023/close/")

    def close():
        page.get_by_role("button", name=re.compile("Chốt số liệu năm")).click()

    pages.submit(close, 400, "the confirmation not ticked")
    page.get_by_label(re.compile("đã đọc các lưu ý")).check()
    pages.submit(close, what="after closing")
    assert cau_thia(2023).is_closed
    pages.visit("/cau-thia/2023/", what="closed")
    expect(page.locator("form[action$='/reopen/']")).to_be_visible()
    for path in random.Random(f"{seed}:closed").sample(CLOSED_PAGES, 3):
        pages.visit(f"/cau-thia/2023/{path}", what="closed")
    assert not pages.findings, pages.report(seed)


@pytest.fixture
def cell_secretary(audit):
    pages = audit("a cell secretary")
    sign_in(pages.page, "chibo3")
    return pages


def test_the_pages_a_cell_secretary_reads_pass_axe_core_and_the_nu_html_checker(cell_secretary):
    pages = cell_secretary
    pages.visit("/cells/", what="on to their own cell")
    for year in (2023, 2024):
        pages.visit(f"/cau-thia/{year}/")
        pages.visit(f"/cau-thia/{year}/cells/3/")
    pages.visit("/cau-thia/2024/cells/3/digest/")
    for year, slug in [(2023, BHYT), (2023, MILESTONE), (2023, NO_PLAN), (2024, NO_DATA)]:
        pages.visit(f"/cau-thia/{year}/targets/{slug}/")
    assert not pages.findings, pages.report()


def test_what_a_cell_secretary_is_answered_elsewhere_and_in_a_closed_year_passes_axe_and_nu(
    cell_secretary,
):
    pages = cell_secretary
    # What answers an address that is not theirs.
    pages.visit("/cau-thia/2023/grid/", 403)
    pages.visit("/cau-thia/2024/close/", 403)
    pages.visit("/cau-thia/2023/cells/4/", 404)

    Year.objects.filter(pk=cau_thia(2023).pk).update(is_closed=True)
    pages.visit("/cau-thia/2023/", what="closed")
    pages.visit("/cau-thia/2023/cells/3/", what="closed")
    assert not pages.findings, pages.report()


def test_the_forms_of_a_cell_secretary_pass_axe_core_and_the_nu_html_checker(cell_secretary):
    pages = cell_secretary
    page = pages.page
    task = Task.objects.filter(year=cau_thia(2024), cell__number=3).order_by("pk").first()
    pages.visit(f"/cau-thia/2024/cells/3/tasks/{task.pk}/progress/")
    pages.submit(
        lambda: page.locator("main form").get_by_role("button", name="Lưu").click(),
        400,
        "nothing to save",
    )
    pages.visit("/cau-thia/2024/cells/3/shares/?stage=half")
    page.locator(".share-rows input[type='text']").first.fill("1.5")
    pages.submit(
        lambda: page.locator("main form").get_by_role("button", name="Lưu").click(),
        400,
        "a number refused",
    )
    pages.visit("/cau-thia/2024/cells/3/rating/self/")
    pages.visit("/accounts/password/")
    pages.visit("/accounts/password/done/")
    assert not pages.findings, pages.report()


def test_the_pages_before_signing_in_pass_axe_core_and_the_nu_html_checker(audit):
    pages = audit("a visitor")
    page = pages.page
    pages.visit("/accounts/login/")
    pages.visit("/cau-thia/2023/", what="on to the sign-in page")
    # Not /no-such-page/: any one word could be a committee's address, which asks to sign in.
    pages.visit("/no/such/page/", 404)

    def sign_in_wrongly():
        page.locator("input[name='username']").fill("chibo10")
        page.locator("input[name='password']").fill(f"not-{PASSWORD}")
        page.locator("main form").get_by_role("button", name="Đăng nhập").click()

    pages.visit("/accounts/login/")
    pages.submit(sign_in_wrongly, what="a wrong password")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 2):
        with page.expect_navigation():
            sign_in_wrongly()
    pages.submit(sign_in_wrongly, 429, "locked out")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập bị khóa")

    # The live server cannot be made to fail: the page Django's server error answers with is
    # served at an address of the site instead, so that its stylesheet loads as it would.
    server_error = render_to_string("500.html")
    page.route(
        "**/server-error/",
        lambda route: route.fulfill(
            status=500, body=server_error, content_type="text/html; charset=utf-8"
        ),
    )
    pages.visit("/server-error/", 500, "the page of a server error")

    assert not pages.findings, pages.report()


@pytest.fixture
def province_staff(audit):
    """The office of Lào Cai, the demo's province, above Cầu Thia and Minh Họa 1."""
    user = get_user_model().objects.create_user("vp-lao-cai", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=WARD_STAFF))
    Account.objects.create(user=user, committee=Committee.objects.get(slug="lao-cai"))
    pages = audit("the province's office")
    sign_in(pages.page, "vp-lao-cai")
    return pages


def test_the_provinces_roll_up_of_its_communes_passes_axe_core_and_the_nu_html_checker(
    province_staff,
):
    pages = province_staff
    pages.visit("/", what="on to the roll-up of the latest year")
    pages.visit("/lao-cai/rollup/2024/?stage=half&sort=-reached", what="inside the year, sorted")
    pages.visit("/lao-cai/rollup/2023/?area=2&verdict=not_met", what="filtered")
    pages.visit("/cau-thia/2024/", what="a commune's dashboard, read from above")
    assert not pages.findings, pages.report()


def test_the_communes_behind_a_count_and_their_reporting_pass_axe_core_and_nu(province_staff):
    pages = province_staff
    pages.visit(f"/lao-cai/rollup/2023/targets/{BHYT}/?verdict=exceeded")
    pages.visit(f"/lao-cai/rollup/2023/targets/{MILESTONE}/")
    pages.visit("/lao-cai/rollup/2024/completeness/?stage=estimate")
    pages.visit("/lao-cai/rollup/2024/print/?stage=final")
    assert not pages.findings, pages.report()
