"""Text from the outside world (typed, pasted from Word, loaded from a file) made safe where it
lands: in the database, and so on every page, workbook and document that prints it.

Control characters, lone surrogates and Unicode's noncharacters (U+FFFE, U+FFFF and their kin)
are not allowed in XML 1.0, so one of them in a note would break every .xlsx and .docx that
prints it; control characters also hide in a printed name. Bidirectional overrides can make a name
read backwards on screen ("Trojan source"). All are removed; line breaks are kept where a text
may have lines, and every text is stored in NFC, as Vietnamese is usually typed.
"""

import re
import unicodedata

# C0 and C1 controls and DEL, but tab and line feed, which are handled apart; the halves of a
# surrogate pair, which are no characters on their own; and the noncharacters: U+FDD0 to U+FDEF
# and the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE, …, U+10FFFF).
_NONCHARACTERS = "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}]")
# Bidirectional embeddings, overrides and isolates, the Arabic letter mark, and the byte order
# mark pasted from some editors. Vietnamese never needs them.
_INVISIBLE = re.compile("[\u061c\u202a-\u202e\u2066-\u2069\ufeff]")
# Letters of the Hangul script that are blanks: the choseong, jungseong, compatibility and
# halfwidth fillers.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029]")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_text(value, multiline=True):
    """``value`` with control and bidirectional formatting characters, surrogates and
    noncharacters removed, line breaks as "\\n" (or spaces when ``multiline`` is false), tabs
    as spaces, in NFC, stripped."""
    if value is None:
        return value
    text = _LINE_BREAKS.sub("\n", str(value)).replace("\t", " ")
    text = _INVISIBLE.sub("", _CONTROLS.sub("", text))
    text = unicodedata.normalize("NFC", text)
    if not multiline:
        text = _SPACES.sub(" ", text.replace("\n", " "))
    return text.strip()


def xml_safe(text):
    """``text`` without the characters XML 1.0 cannot hold, for a document written from text
    stored before it was cleaned as it is now."""
    return _CONTROLS.sub("", text) if text else text


def has_letters(text, at_least=1):
    """Whether ``text`` has ``at_least`` letters or digits that show: a reason of "." says
    nothing, nor does one of Hangul fillers, which Unicode counts as letters but print as
    blanks. (Zero-width and other format characters are no letters to begin with.)"""
    return sum(char.isalnum() and char not in _FILLERS for char in text or "") >= at_least
