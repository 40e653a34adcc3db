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


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def test_every_translation_takes_the_placeholders_of_its_source():
    """A msgstr formats with the values its msgid is formatted with, names and all; a percent
    sign of its own is written "%%" where the string is formatted."""
    for msgid, msgstr in entries():
        if "%(" not in msgid:
            continue
        names = set(re.findall(r"%\((\w+)\)[sd]", msgid))
        assert set(re.findall(r"%\((\w+)\)[sd]", msgstr)) == names, msgid
        assert msgstr % dict.fromkeys(names, 1), msgid


def all_translations():
    """Every msgstr of the app's catalogues, the admin's JavaScript one included."""
    found = [msgstr for _msgid, msgstr in entries()]
    js = PO.with_name("djangojs.po").read_text(encoding="utf-8")
    found += [
        ast.literal_eval(part) for part in re.findall(r'^msgstr(?:\[\d\])? (".*")$', js, re.M)
    ]
    found += [ast.literal_eval(part) for part in re.findall(r'^(".*")$', js, re.M)]
    return found


def test_no_translation_addresses_the_user_as_ban():
    """Party software addresses its users as "đồng chí" (comrade), never "bạn" (friend): Django's
    own messages the office reads are reworded in the app's catalogue, which overrides
    Django's."""
    assert not [text for text in all_translations() if re.search(r"\bbạn\b", text, re.I)]
    with translation.override("vi"):
        assert "đồng chí" in translation.gettext("You may edit it again below.").lower()
        assert "đồng chí" in translation.gettext("Are you sure?").lower()
