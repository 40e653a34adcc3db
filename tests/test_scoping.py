"""A committee's rows are reached through the committee: ``committee.years``, ``.areas``,
``.targets``, ``.cells`` (the door gives the request's committee, targets/access.py), or through
a row already reached so (a year's figures, a cell's tasks). A query that starts from a root
model's manager (``Year.objects…``) would see every committee's rows: this test lists each one
in the apps' code and fails on any not named below with why it sees no other committee's rows.
The database refuses rows that mix committees besides (tests/test_committee_guards.py)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["cauthia", "core", "committees", "targets", "cells", "rollup", "api"]
ROOT_MANAGER = re.compile(r"\b(Year|Area|Target|Cell)\.objects\b(?!\.none\(\))")

# file: (how many such queries it may hold, why none of them sees another committee's rows)
ALLOWED = {
    "targets/apps.py": (1, "a password may not be made of any committee's names"),
    "cells/models/shares.py": (1, "narrows a query already of one year (for_user)"),
    "cells/models/tasks.py": (1, "narrows a query already of one year (for_user)"),
    "cells/models/cell_years.py": (1, "reads each of a year's cell years' own cell, by key"),
    "cells/models/cells.py": (1, "a docstring's pointer"),
    # A roll-up reads the committees under the request's committee (communes_of), which its
    # office reads.
    "rollup/counting.py": (4, "narrowed to the committees under the request's committee"),
    "rollup/workbook.py": (1, "narrowed to the communes already counted"),
    # The generators write, in bulk, the rows of the committees they were told to fill.
    "cells/management/commands/generate_communes.py": (12, "narrowed to the communes it makes"),
    "cells/management/commands/generate_nation.py": (2, "narrowed to the communes it makes"),
    "cells/management/commands/generate_ward.py": (4, "narrowed to the one committee it grows"),
}


def root_queries(root=ROOT):
    """{file: [line, …]} of each query from a root model's manager in the apps' code."""
    found = {}
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            lines = [
                number
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if ROOT_MANAGER.search(line)
            ]
            if lines:
                found[path.relative_to(root).as_posix()] = lines
    return found


def test_every_query_of_a_committees_rows_starts_from_the_committee():
    unexplained = {
        path: lines
        for path, lines in root_queries().items()
        if len(lines) > ALLOWED.get(path, (0, ""))[0]
    }
    assert unexplained == {}, "reach these rows through the committee (committee.years, …)"


def test_the_scan_finds_a_query_that_forgets_the_committee(tmp_path):
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "views.py").write_text(
        "years = Year.objects.filter(year=2024)\nnone = Target.objects.none()\n"
        "mine = committee.years.all()\n",
        encoding="utf-8",
    )
    assert root_queries(tmp_path) == {"targets/views.py": [1]}
