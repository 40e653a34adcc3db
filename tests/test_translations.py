"""The Vietnamese catalog: every string translated, and the committed .mo compiled from the .po."""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def entries():
    """(msgid, msgstr) of every singular entry of the .po, header and fuzzy ones left out."""
    found = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        if "#, fuzzy" in block or "msgid_plural" in block:
            continue
        parts = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'(msgid|msgstr) (".*")', line)
            if match:
                key = match.group(1)
                parts[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                parts[key] += ast.literal_eval(line)
        if parts.get("msgid"):
            found.append((parts["msgid"], parts.get("msgstr", "")))
    return found


def test_every_string_has_a_vietnamese_translation():
    untranslated = [msgid for msgid, msgstr in entries() if not msgstr]
    assert not untranslated
    assert len(entries()) > 200  # the parser read the catalog


def test_the_compiled_catalog_matches_the_po_file():
    with translation.override("vi"):
        stale = [
            msgid
            for msgid, msgstr in entries()
            if "%%" not in msgid and translation.gettext(msgid) != msgstr
        ]
    assert not stale, f"recompile with make messages: {stale[:5]}"
