"""The drawing of the house has no arrow back up: the apps (targets, cells, committees, rollup,
api) and the code they share (core) never import the project package (cauthia), which only
configures them; core sits below every app and imports none; committees, the root every record
hangs from, sits below targets and cells and imports neither; cells may import targets, never
the reverse; rollup, which counts the communes' figures, reads targets and committees and is
read by none of the apps; api, the JSON API, reads rollup, targets and committees, never
cells, and is read by none of them; and cauthia holds configuration and the landing pages only.
No module of the apps or core grows past MAX_MODULE_LINES: past it, a module becomes a package
by concern.

Imports are read from the source with `ast`, at any depth (an import inside a function is an
arrow too) and in every module, migrations included; reading `django.conf.settings` is no
import of cauthia and stays allowed."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "cauthia"
APPS = ["core", "committees", "targets", "cells", "rollup", "api"]
# The project package's modules: settings, root URLs, the WSGI and manage entry points, and the
# pages everyone lands on: after signing in, and at a committee's own address.
CONFIGURATION = {"__init__.py", "__main__.py", "settings.py", "urls.py", "wsgi.py", "views.py"}
PROJECT_VIEWS = {"home", "committee_home", "open_committee"}
# The longest a module of the apps or core may be (migrations, written by makemigrations, aside).
MAX_MODULE_LINES = 1000


def modules(root, package):
    """Every .py file of ``package`` under ``root``, subpackages and migrations included."""
    return sorted((root / package).rglob("*.py"))


def imports(root, path):
    """(line, module) for each module the file at ``path`` imports, relative imports spelled
    out from its own package: ``from .models import Year`` in targets/views.py is targets.models,
    ``from cauthia import settings`` is cauthia."""
    package = list(path.relative_to(root).parent.parts)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            yield node.lineno, ".".join([*base, *([node.module] if node.module else [])])


def arrows(root, packages, to):
    """Each import, in a module of ``packages`` under ``root``, of the package ``to`` or one of
    its modules: "targets/views.py:12 imports cells.models"."""
    return [
        f"{path.relative_to(root).as_posix()}:{line} imports {module}"
        for package in packages
        for path in modules(root, package)
        for line, module in sorted(imports(root, path))
        if module.split(".")[0] == to
    ]


def long_modules(root, packages, limit=MAX_MODULE_LINES):
    """Each module of ``packages`` under ``root``, migrations aside, longer than ``limit``
    lines: "targets/imports.py: 1004 lines"."""
    lengths = {
        path: len(path.read_text(encoding="utf-8").splitlines())
        for package in packages
        for path in modules(root, package)
        if "migrations" not in path.relative_to(root).parts
    }
    return [
        f"{path.relative_to(root).as_posix()}: {length} lines"
        for path, length in lengths.items()
        if length > limit
    ]


def test_no_module_of_the_apps_or_core_imports_the_project_package():
    assert all(modules(ROOT, package) for package in APPS)
    assert arrows(ROOT, APPS, to=PROJECT) == []


def test_core_imports_no_app():
    assert [arrow for app in APPS[1:] for arrow in arrows(ROOT, ["core"], to=app)] == []


def test_committees_imports_neither_targets_nor_cells():
    assert [
        *arrows(ROOT, ["committees"], to="targets"),
        *arrows(ROOT, ["committees"], to="cells"),
    ] == []


def test_targets_never_imports_cells():
    assert arrows(ROOT, ["targets"], to="cells") == []


def test_the_roll_up_reads_the_apps_below_it_and_none_reads_it():
    assert arrows(ROOT, ["rollup"], to="cells") == []
    below = APPS[: APPS.index("rollup")]
    assert [arrow for app in below for arrow in arrows(ROOT, [app], to="rollup")] == []


def test_the_api_reads_the_apps_below_it_and_none_reads_it():
    assert arrows(ROOT, ["api"], to="cells") == []
    others = [app for app in APPS if app != "api"]
    assert [arrow for app in others for arrow in arrows(ROOT, [app], to="api")] == []


def test_the_project_package_holds_configuration_only():
    folder = ROOT / PROJECT
    files = {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert sorted(files - CONFIGURATION) == [], "shared code belongs in core/"


def test_the_project_package_views_are_the_landing_pages_only():
    tree = ast.parse((ROOT / PROJECT / "views.py").read_text(encoding="utf-8"))
    defined = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    } | {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }
    assert defined == PROJECT_VIEWS


def test_every_way_of_importing_the_project_package_is_an_arrow(tmp_path):
    """The checks above would catch each spelling, not just the first they were written for."""
    (tmp_path / "targets" / "management").mkdir(parents=True)
    (tmp_path / "targets" / "management" / "late.py").write_text(
        "from django.conf import settings\n"
        "import cauthia\n"
        "import cauthia.urls as urls\n"
        "from cauthia import views\n"
        "from cauthia.settings import DEBUG\n"
        "from .. import models\n"
        "\n"
        "def view():\n"
        "    from cells.models import Cell\n"
        "    from ..cauthia import wsgi\n"
    )
    assert arrows(tmp_path, ["targets"], to=PROJECT) == [
        "targets/management/late.py:2 imports cauthia",
        "targets/management/late.py:3 imports cauthia.urls",
        "targets/management/late.py:4 imports cauthia",
        "targets/management/late.py:5 imports cauthia.settings",
    ]
    assert arrows(tmp_path, ["targets"], to="cells") == [
        "targets/management/late.py:9 imports cells.models"
    ]


def test_every_way_of_importing_an_app_from_core_is_an_arrow(tmp_path):
    (tmp_path / "core" / "formats").mkdir(parents=True)
    (tmp_path / "core" / "formats" / "late.py").write_text(
        "from django.contrib import admin\n"
        "import targets\n"
        "from targets.models import Year\n"
        "from .. import forms\n"
        "\n"
        "def each_context(request):\n"
        "    import cells.models as models\n"
        "    from ...cells import legacy\n"
        "    from ...targets import access\n"
    )
    assert arrows(tmp_path, ["core"], to="targets") == [
        "core/formats/late.py:2 imports targets",
        "core/formats/late.py:3 imports targets.models",
        "core/formats/late.py:9 imports targets",
    ]
    assert arrows(tmp_path, ["core"], to="cells") == [
        "core/formats/late.py:7 imports cells.models",
        "core/formats/late.py:8 imports cells",
    ]


def test_no_module_of_the_apps_or_core_is_longer_than_the_limit():
    assert long_modules(ROOT, APPS) == []


def test_a_long_module_is_named_wherever_it_lies_and_a_migration_never(tmp_path):
    (tmp_path / "cells" / "models").mkdir(parents=True)
    (tmp_path / "cells" / "migrations").mkdir()
    (tmp_path / "cells" / "models" / "long.py").write_text("x = 1\n" * (MAX_MODULE_LINES + 1))
    (tmp_path / "cells" / "models" / "at_limit.py").write_text("x = 1\n" * MAX_MODULE_LINES)
    (tmp_path / "cells" / "migrations" / "0001_initial.py").write_text("x = 1\n" * 5000)
    assert long_modules(tmp_path, ["cells"]) == [
        f"cells/models/long.py: {MAX_MODULE_LINES + 1} lines"
    ]
