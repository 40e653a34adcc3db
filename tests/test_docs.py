"""The documentation stays inside the repository: no file points at notes kept elsewhere, every
relative link of the README and of docs/ leads to a file (and a heading) that exists, every file
docs/ names is there, and docs/README.md lists every page.

The project's files are those git tracks plus the new ones it does not ignore. Outside a git
checkout the test is skipped with the reason; on CI (CI=true) that is a failure.
"""

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOCS = ROOT / "docs"
# Notes that are not part of the repository, spelled in pieces so that this file does not name
# them itself.
OUTSIDE = ("DOMAIN" + ".md", ".." + "/shared")
# Compiled catalogues: binary, and compiled from the .po files that are checked.
SKIPPED_SUFFIXES = (".mo",)

FENCE = re.compile(r"^\s*(```|~~~)")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# A path in the repository written as code: "`targets/progress.py`", "`docs/`". Addresses
# ("`/<year>/close/`") begin with a slash or hold a placeholder, and are not paths.
CODE_PATH = re.compile(r"`([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+/?)`")


def project_files():
    """Every file of the project that exists in the checkout, as paths from its root."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run in a git checkout with git installed")
        pytest.skip("not a git checkout: the project's files cannot be listed")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    names = sorted({name for name in listed.split("\0") if name})
    return [name for name in names if (ROOT / name).is_file()]


def outside_mentions(files, root=ROOT):
    """(file, what it names) for each file that names notes kept outside the repository."""
    found = []
    for name in files:
        if name.endswith(SKIPPED_SUFFIXES):
            continue
        content = (root / name).read_bytes().lower()
        found += [(name, word) for word in OUTSIDE if word.lower().encode() in content]
    return found


def prose_lines(path):
    """The lines of a markdown file outside its fenced code blocks."""
    lines, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def anchor(heading):
    """The anchor GitHub gives a heading: its text without markup, in lower case, without
    punctuation, its spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = unicodedata.normalize("NFC", text.replace("`", "").replace("*", "")).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path):
    """The anchors of ``path``'s headings, a repeated one numbered as GitHub numbers it."""
    found, seen = set(), {}
    for line in prose_lines(path):
        match = HEADING.match(line)
        if match:
            base = anchor(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(path):
    """The relative links of the markdown file ``path`` that lead nowhere: to a missing file,
    or to a heading its markdown file does not have."""
    broken = []
    for line in prose_lines(path):
        for target in LINK.findall(line):
            if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
                continue  # https:, mailto: …: not the repository's
            address, _hash, fragment = target.partition("#")
            linked = (path.parent / address).resolve() if address else path
            heading = unicodedata.normalize("NFC", fragment).lower()
            if not linked.exists() or (
                fragment and linked.suffix == ".md" and heading not in anchors(linked)
            ):
                broken.append(target)
    return broken


def markdown_pages():
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def test_no_file_points_at_notes_kept_outside_the_repository():
    files = project_files()
    assert "README.md" in files and "docs/documents.md" in files  # the listing worked
    assert not outside_mentions(files)


def test_every_relative_link_of_the_readme_and_the_docs_leads_somewhere():
    pages = markdown_pages()
    assert len(pages) >= 5  # the README, the index and the pages it lists
    broken = {str(page.relative_to(ROOT)): broken_links(page) for page in pages}
    assert not {page: links for page, links in broken.items() if links}


def test_every_file_the_docs_name_exists():
    missing = {}
    for page in DOCS.glob("*.md"):
        named = CODE_PATH.findall("\n".join(prose_lines(page)))
        gone = [path for path in named if not (ROOT / path).exists()]
        if gone:
            missing[page.name] = gone
    assert not missing


def test_the_docs_index_lists_every_page():
    index = DOCS / "README.md"
    linked = {
        target.partition("#")[0] for line in prose_lines(index) for target in LINK.findall(line)
    }
    pages = {page.name for page in DOCS.glob("*.md")} - {"README.md"}
    assert pages and not pages - linked


def test_the_checks_catch_a_dead_link_a_missing_heading_and_an_outside_note(tmp_path):
    """The checkers above can fail: each finds what it looks for in a page written to fail."""
    (tmp_path / "there.md").write_text("# A heading\n\n## So với cùng kỳ: the same period\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](there.md) [ok](there.md#so-với-cùng-kỳ-the-same-period) [web](https://x.vn/a)\n"
        "[gone](missing.md) [no heading](there.md#nowhere)\n"
        "```\n[in code](ignored.md)\n```\n"
    )
    assert broken_links(page) == ["missing.md", "there.md#nowhere"]
    (tmp_path / "notes.txt").write_text("See " + OUTSIDE[1] + "/" + OUTSIDE[0].lower() + ".")
    (tmp_path / "django.mo").write_bytes(OUTSIDE[0].encode())
    found = outside_mentions(["page.md", "notes.txt", "django.mo"], root=tmp_path)
    assert found == [("notes.txt", OUTSIDE[0]), ("notes.txt", OUTSIDE[1])]
