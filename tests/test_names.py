"""One meaning per name: in the Python of targets/ and core/, "cell" is a party cell (chi bộ)
and "kind" a target's kind (targets.progress.Kind). A spreadsheet cell is an ``xl_cell`` or an
``entry``, an HTML table cell an ``entry`` or a ``td``, a file's content type a ``type_name``.

The names checked are those the code gives, read from the source with `ast`: functions,
classes, arguments, the variables and attributes it assigns, ``as`` aliases, the string keys of
its dict literals (the names a template reads, as ``bar.series``), and the template filters and
tags targets registers. Names of other libraries the code only reads (openpyxl's ``ws.cell``)
are theirs. Migrations are history, and stay as they were written."""

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["targets", "core"]

# The names in targets/ and core/ that speak of party cells.
PARTY_CELL_NAMES = {
    # targets/access.py: what a request's user may do with the cells.
    "EVERY_CELL",
    "is_cell_secretary",
    "sees_every_cell",
    "own_cell",
    "reports_for_cell",
    # targets/models/plan.py: a target whose actual counts the cells rated well or better.
    "CELLS_GOOD",
}

# The modules whose "kind" names are a target's kind, and those names.
TARGET_KIND_NAMES = {
    "targets/progress.py": {"Kind", "kind"},  # the declaration, and percent_of_plan's argument
    "targets/plausibility.py": {"kind", "AMOUNT_KINDS"},
    "targets/display.py": {"kind"},
    "targets/narrative.py": {"kind"},
    "targets/forms.py": {"kind"},
    "targets/imports/preview.py": {"kind"},
    "targets/models/plan.py": {"kind"},  # Target.kind
    "targets/models/history.py": {"kind"},
}


def given_names(tree):
    """(line, name) for each name the module ``tree`` gives."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.lineno, node.name
        elif isinstance(node, ast.arg):
            yield node.lineno, node.arg
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.lineno, node.id
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            yield node.lineno, node.attr
        elif isinstance(node, ast.alias) and node.asname:
            yield node.lineno, node.asname
        elif isinstance(node, ast.Dict):
            for key in node.keys:
                if isinstance(key, ast.Constant) and str(key.value).isidentifier():
                    yield key.lineno, key.value


def misnamed(module, names):
    """The "line name" of each of ``names`` (line, name) of ``module`` (its path from the
    project's root) that says cell or kind in another meaning than the project's."""
    found = []
    for line, name in names:
        words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower().split("_")
        # xl_cell is a spreadsheet's cell by its own name.
        says_cell = any(
            word in ("cell", "cells") and words[:index][-1:] != ["xl"]
            for index, word in enumerate(words)
        )
        says_kind = {"kind", "kinds"} & set(words)
        if (says_cell and name not in PARTY_CELL_NAMES) or (
            says_kind and name not in TARGET_KIND_NAMES.get(module, set())
        ):
            found.append(f"{line} {name}")
    return found


def test_targets_and_core_say_cell_and_kind_in_one_meaning_each():
    wrong = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=module)
            if found := misnamed(module, given_names(tree)):
                wrong[module] = found
    assert wrong == {}


def test_template_filters_and_tags_say_cell_and_kind_in_one_meaning_each():
    wrong = {}
    for path in sorted((ROOT / "targets" / "templatetags").glob("[!_]*.py")):
        library = importlib.import_module(f"targets.templatetags.{path.stem}").register
        module = path.relative_to(ROOT).as_posix()
        if found := misnamed(module, ((0, name) for name in [*library.filters, *library.tags])):
            wrong[module] = found
    assert wrong == {}


def test_the_check_finds_a_table_cell_and_a_kind_that_is_no_target_s():
    source = """
from openpyxl.worksheet.cell_range import CellRange

def grid_cell(field, kind):
    xl_cell = ws.cell(row=1, column=1)
    upload.kind = content_type(upload)
    return {"kind": "plan", "own_cell": CellRange}
"""
    found = misnamed("targets/views.py", given_names(ast.parse(source)))
    assert found == ["4 grid_cell", "4 kind", "6 kind", "7 kind"]
    assert misnamed("targets/progress.py", given_names(ast.parse(source))) == ["4 grid_cell"]
