"""Every stage is reached through its declaration (targets/stages.py): no module, template or
script spells a stage's value, column or report fields by hand, lists stages itself, or names a
stage inside the year (which pages must reach through ``within_year`` and ``has_verdict``), so
that adding a stage is the declaration, a migration of each app and translations.

Naming the estimate or the final stage where a rule is about that stage (closing asks for the
final figures, the estimate may be taken as final) is not enumerating and is allowed.
"""

import ast
import re
import subprocess
from pathlib import Path

import pytest

from targets.stages import Stage

ROOT = Path(__file__).resolve().parent.parent
DECLARATION = Path("targets/stages.py")
WITHIN_YEAR = {stage.name for stage in Stage if stage.within_year}


def tracked(*patterns):
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *patterns],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [Path(name) for name in listed if (ROOT / name).exists()]


def code_files():
    """The application's modules. Tests, benchmarks and the README's picture script pick the
    stages they exercise by name, as data; migrations keep the columns as they were made."""
    return [
        path
        for path in tracked("*.py")
        if path != DECLARATION
        and "migrations" not in path.parts
        and path.parts[0] not in ("tests", "bench", "docs", "node_modules")
    ]


def page_files():
    return tracked("templates/*.html", "static/*.js")


def spelled_names():
    """What only the declaration may spell: each stage's column, its old and new copies in a
    figure's history, its report's number and date fields."""
    names = set()
    for stage in Stage:
        if stage.field != "actual":  # the full year's column is the word "actual" itself
            names.add(stage.field)
        names.update({f"old_{stage.field}", f"new_{stage.field}", *stage.report_fields})
    return names


NAMES = re.compile(r"\b(" + "|".join(sorted(spelled_names(), key=len, reverse=True)) + r")\b")
# A figure's or a share's stored full-year column (a report row's ``actual`` is its stage's).
STORED_ACTUAL = re.compile(r"\b(figure|share|change)\.actual\b(?!_)")
# A link to a page at a stage: ?stage=half.
STAGE_IN_ADDRESS = re.compile(r"stage=(" + "|".join(Stage.values) + r")\b")
VALUES = re.compile(r"""(["'])(""" + "|".join(Stage.values) + r""")\1""")


def is_stage_member(node):
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Stage"
        and node.attr in Stage.names
    )


def offences_in_python(path, source):
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        if NAMES.search(line):
            found.append(f"{path}:{number}: spells {NAMES.search(line).group(1)}")
        if VALUES.search(line):
            found.append(f"{path}:{number}: spells the stage value {VALUES.search(line).group()}")
    for node in ast.walk(ast.parse(source)):
        if is_stage_member(node) and node.attr in WITHIN_YEAR:
            found.append(f"{path}:{node.lineno}: names Stage.{node.attr}")
        if isinstance(node, (ast.Dict, ast.List, ast.Tuple, ast.Set)):
            members = node.keys if isinstance(node, ast.Dict) else node.elts
            if sum(is_stage_member(member) for member in members if member) >= 2:
                found.append(f"{path}:{node.lineno}: lists stages by hand")
    return found


def offences_in_page(path, source):
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        for pattern in (NAMES, VALUES, STORED_ACTUAL, STAGE_IN_ADDRESS):
            match = pattern.search(line)
            if match:
                found.append(f"{path}:{number}: spells {match.group()}")
    return found


def offences():
    found = []
    for path in code_files():
        found += offences_in_python(path, (ROOT / path).read_text(encoding="utf-8"))
    for path in page_files():
        found += offences_in_page(path, (ROOT / path).read_text(encoding="utf-8"))
    return found


def test_the_checkout_is_read():
    if not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout, to list the project's files")
    assert len(code_files()) > 40 and len(page_files()) > 20


def test_no_stage_is_spelled_outside_its_declaration():
    if not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout, to list the project's files")
    assert offences() == []


@pytest.mark.parametrize(
    "source, said",
    [
        ("x = figure.actual_half\n", "spells actual_half"),
        ("x = change.new_actual\n", "spells new_actual"),
        ("year.nine_report_date = None\n", "spells nine_report_date"),
        ('if stage == "estimate":\n    pass\n', "spells the stage value"),
        ("if stage == Stage.HALF:\n    pass\n", "names Stage.HALF"),
        ("WORDS = {Stage.ESTIMATE: 1, Stage.FINAL: 2}\n", "lists stages by hand"),
        ("for stage in (Stage.FINAL, Stage.ESTIMATE):\n    pass\n", "lists stages by hand"),
    ],
)
def test_each_kind_of_spelling_is_caught_in_code(source, said):
    assert any(said in offence for offence in offences_in_python(Path("x.py"), source))


@pytest.mark.parametrize(
    "source",
    [
        "{{ share.actual_estimate|number }}",
        '{% if report.stage != "half" %}',
        "<td>{{ share.actual|number }}</td>",
        '<a href="{% url "targets:grid" 2024 %}?stage=final">',
    ],
)
def test_each_kind_of_spelling_is_caught_in_templates(source):
    assert offences_in_page(Path("x.html"), source)


def test_a_rule_about_the_final_stage_may_name_it():
    source = "if figure.actual_at(Stage.FINAL) is None:\n    pass\n"
    assert offences_in_python(Path("x.py"), source) == []
