"""The wheel, installed the way a deployer installs it, serves the whole app on its own.

The wheel is built with pip from a copy of the checkout (so a stale build/ folder cannot stand in
for a file the wheel would lack) and installed into a fresh virtualenv in a temporary folder,
with the pinned, hash-checked dependencies of requirements.lock. Every command then runs in a
folder outside the checkout with a clean environment, so nothing can be imported from it: the
console script runs migrate, collectstatic and load_demo, and gunicorn from that virtualenv
serves the app with DEBUG off, over HTTP on a free loopback port.

The fresh virtualenv is made without pip, and the suite's own pip installs into it (`pip
--python`): the same pip, the same lock and hashes, the same wheel, without the seconds that
bootstrapping a second copy of pip costs; they install while the wheel builds. With pip's cache
warm the dependencies take about 3 s, and the whole module about 10 s.
"""

import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPCookieProcessor, build_opener

import pytest

# The deployed wheel keeps a SQLite database of its own (deployed_environment) whatever the
# suite runs on, so the suite's run on PostgreSQL would repeat these tests unchanged, a minute
# of CI's time: they run where DATABASE_URL is not PostgreSQL's.
ON_POSTGRESQL = urlsplit(os.environ.get("DATABASE_URL", "")).scheme in {"postgres", "postgresql"}
# The wheel is built once, on one worker: its tests go together (--dist loadgroup).
pytestmark = [
    pytest.mark.package,
    pytest.mark.xdist_group("package"),
    pytest.mark.skipif(
        ON_POSTGRESQL, reason="the deployed wheel keeps its own SQLite database: run on SQLite"
    ),
]

ROOT = Path(__file__).resolve().parent.parent
CODE = ["cauthia", "core", "committees", "targets", "cells", "rollup", "api"]
# What the wheel carries inside the cauthia package, and which of each folder's files.
RESOURCES = {"templates": "**/*", "static": "**/*", "locale": "**/*.mo", "fixtures": "**/*"}
# Left out of the copy the wheel is built from: what the build or the tools leave behind.
NOT_SOURCE = shutil.ignore_patterns(
    ".*", "__pycache__", "*.egg-info", "build", "dist", "node_modules", "screenshots",
    "staticfiles", "backups", "*.sqlite3",
)  # fmt: skip
PASSWORD = secrets.token_urlsafe(16)


def start(command, **options):
    """Start a command quietly, keeping what it prints."""
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options
    )


def finish(process):
    """Wait for a command; if it failed, fail with what it printed."""
    stdout, stderr = process.communicate()
    assert process.returncode == 0, f"{process.args} exited {process.returncode}:\n{stderr}"
    return stdout


def run(command, **options):
    return finish(start(command, **options))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PlainHttpCookies(DefaultCookiePolicy):
    """Without DEBUG every cookie is Secure, for HTTPS behind the proxy; here there is no proxy,
    so the session and CSRF cookies are sent back over plain HTTP on loopback."""

    def return_ok_secure(self, cookie, request):
        return True


class Site:
    """The deployed app, seen over HTTP: a browser's cookies, but no JavaScript."""

    def __init__(self, url, log):
        self.url, self.log = url, log
        self.opener = build_opener(HTTPCookieProcessor(CookieJar(PlainHttpCookies())))

    def get(self, path, data=None):
        """Status, headers and text of the answer (after redirects)."""
        body = None if data is None else urlencode(data).encode()
        try:
            with self.opener.open(self.url + path, body, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def sign_in(self, username, password):
        status, _, page = self.get("/accounts/login/")
        assert status == 200, f"the sign-in page answered {status}"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        return self.get("/accounts/login/", data=form)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel pip builds from the sources, as `pip wheel .` in a clean clone would, and a
    fresh virtualenv with the locked dependencies, installed while the wheel builds."""
    build, here = tmp_path_factory.mktemp("build"), tmp_path_factory.mktemp("deployed")
    pip = [sys.executable, "-m", "pip", "--quiet"]
    run([sys.executable, "-m", "venv", "--without-pip", here / "venv"])
    install = [*pip, "--python", here / "venv" / "bin" / "python", "install"]
    dependencies = start([*install, "--require-hashes", "-r", ROOT / "requirements.lock"], cwd=here)
    try:
        shutil.copytree(ROOT, build / "source", ignore=NOT_SOURCE)
        run([*pip, "wheel", "--no-deps", "-w", build / "dist", build / "source"], cwd=build)
    finally:
        finish(dependencies)
    (built,) = (build / "dist").glob("cauthia-*.whl")
    return built, build / "source", here


def deployed_environment(here):
    """The environment the README's deploy steps set, with every folder outside the app."""
    return {
        "PATH": f"{here / 'venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "LANG": "C.UTF-8",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{here / 'db.sqlite3'}",
        "STATIC_ROOT": str(here / "static"),
        "EVIDENCE_ROOT": str(here / "evidence"),
    }


# The deployed app's set-up, started as soon as it is installed (see installed), by its folder.
SETTING_UP = {}


@pytest.fixture(scope="module")
def installed(wheel):
    """The wheel installed into the fresh virtualenv; its folder. The site's static files and
    database start being set up at once, in the background, while other tests use the
    installed app (see site)."""
    built, _, here = wheel
    scripts = here / "venv" / "bin"
    pip = [sys.executable, "-m", "pip", "--quiet", "--python", scripts / "python"]
    run([*pip, "install", "--no-deps", built], cwd=here)
    SETTING_UP[here] = set_up(here)
    return here


def set_up(here):
    """Start what the README's deploy steps do before serving, side by side: say where cauthia
    is imported from, collect the static files, migrate the database and load the demo."""
    scripts = here / "venv" / "bin"
    environment = deployed_environment(here)
    manage = shlex.quote(str(scripts / "cauthia-manage"))
    # One argument: a random password may begin with "-".
    database = (
        f"{manage} migrate --no-input && {manage} load_demo {shlex.quote(f'--password={PASSWORD}')}"
    )
    return {
        "environment": environment,
        "where": start(
            [scripts / "python", "-c", "import cauthia; print(cauthia.__file__)"],
            cwd=here,
            env=environment,
        ),
        "collected": start(
            [scripts / "cauthia-manage", "collectstatic", "--no-input"], cwd=here, env=environment
        ),
        "database": start(["sh", "-c", database], cwd=here, env=environment),
    }


@pytest.fixture(scope="module")
def site(installed):
    """The wheel installed into the fresh virtualenv, set up and served by gunicorn."""
    here = installed
    venv, scripts = here / "venv", here / "venv" / "bin"
    setting_up = SETTING_UP.pop(here)
    environment = setting_up["environment"]
    imported_from = finish(setting_up["where"]).strip()
    finish(setting_up["collected"])
    finish(setting_up["database"])
    assert Path(imported_from).is_relative_to(venv), f"cauthia imported from {imported_from}"

    port, log = free_port(), here / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [scripts / "gunicorn", "cauthia.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
            cwd=here,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deployed = Site(f"http://127.0.0.1:{port}", log)
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, f"gunicorn exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"gunicorn did not answer:\n{log.read_text()}"
            try:
                if deployed.get("/health/")[0] == 200:
                    break
            except OSError:
                pass  # not listening yet
            time.sleep(0.1)
        yield deployed
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_the_package_tests_go_to_one_worker_together(request):
    """Which is what builds the wheel once a run: with pytest 9.2 and pytest-xdist 3.8 the
    group went unheeded without a word (pytest-dev/pytest-xdist#1386)."""
    if not hasattr(request.config, "workerinput"):
        pytest.skip("the suite runs in one process: nothing to keep together")
    assert request.node.nodeid.endswith("@package"), request.node.nodeid


def test_the_wheel_carries_every_module_template_static_file_translation_and_fixture(wheel):
    built, source, _ = wheel
    names = set(zipfile.ZipFile(built).namelist())
    expected = {
        path.relative_to(source).as_posix()
        for package in CODE
        for path in (source / package).rglob("*.py")
    } | {
        f"cauthia/{path.relative_to(source).as_posix()}"
        for folder, pattern in RESOURCES.items()
        for path in (source / folder).glob(pattern)
        if path.is_file()
    }
    assert "cauthia/locale/vi/LC_MESSAGES/django.mo" in expected
    assert sorted(expected - names) == []


def site_packages(here):
    (folder,) = (here / "venv" / "lib").glob("python3*/site-packages")
    return folder


@pytest.mark.parametrize(
    ("evidence_root", "refusal"),
    [
        (None, "EVIDENCE_ROOT is not set"),
        ("site-packages", "is inside the installed app"),
    ],
)
def test_the_installed_app_refuses_to_keep_evidence_where_a_reinstall_would_remove_it(
    installed, evidence_root, refusal
):
    environment = deployed_environment(installed)
    if evidence_root is None:
        del environment["EVIDENCE_ROOT"]
    else:
        environment["EVIDENCE_ROOT"] = str(site_packages(installed) / "evidence")
    result = subprocess.run(
        [installed / "venv" / "bin" / "cauthia-manage", "check"],
        cwd=installed,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert refusal in result.stderr


def test_the_sign_in_page_answers_in_vietnamese_with_its_hashed_stylesheet(site):
    status, _, page = site.get("/accounts/login/")
    assert status == 200
    assert "Đăng nhập" in page  # from the compiled translation
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", stylesheet)
    status, headers, _ = site.get(stylesheet)
    assert status == 200
    assert headers.get_content_type() == "text/css"


def test_the_ward_secretary_signs_in_and_sees_the_demo_dashboard(site):
    status, _, page = site.sign_in("bithu", PASSWORD)
    assert status == 200
    assert 'name="password"' not in page, "still on the sign-in page"
    status, _, page = site.get("/cau-thia/2023/")
    assert status == 200
    assert "Tổng sản lượng lương thực" in page


def test_each_log_line_says_when_how_bad_and_which_logger(site):
    site.sign_in("bithu", PASSWORD)
    assert site.get("/khong-co-trang-nay/")[0] == 404
    when = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
    line = rf"^{when} WARNING django\.request Not Found: /khong-co-trang-nay/$"
    deadline = time.monotonic() + 5
    while not re.search(line, site.log.read_text(), re.MULTILINE):
        assert time.monotonic() < deadline, site.log.read_text()
        time.sleep(0.05)
