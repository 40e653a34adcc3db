"""Text from the outside world (typed, pasted from Word, loaded from a file) made safe where it
lands: in the database, and so on every page, workbook and document that prints it.

Control characters break an .xlsx file and hide in a printed name; bidirectional overrides can
make a name read backwards on screen ("Trojan source"). Both are removed; line breaks are kept
where a text may have lines, and every text is stored in NFC, as Vietnamese is usually typed.
"""

import re
import unicodedata

# C0 and C1 controls and DEL, but tab and line feed, which are handled apart.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates, the Arabic letter mark, and the byte order
# mark pasted from some editors. Vietnamese never needs them.
_INVISIBLE = re.compile("[\u061c\u202a-\u202e\u2066-\u2069\ufeff]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029]")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_text(value, multiline=True):
    """``value`` with control and bidirectional formatting characters removed, line breaks as
    "\\n" (or spaces when ``multiline`` is false), tabs as spaces, in NFC, stripped."""
    if value is None:
        return value
    text = unicodedata.normalize("NFC", str(value))
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    text = _INVISIBLE.sub("", _CONTROLS.sub("", text))
    if not multiline:
        text = _SPACES.sub(" ", text.replace("\n", " "))
    return text.strip()


def has_letters(text, at_least=1):
    """Whether ``text`` has ``at_least`` letters or digits: a reason of "." says nothing."""
    return sum(char.isalnum() for char in text or "") >= at_least
