"""Reading and writing numbers the Vietnamese way: "1.234.567", "95,77".

Django's ``number_format`` truncates (99,765 becomes "99,76") and its ``vi`` locale has no
grouping, so the app formats its own figures here, rounding half-up, whatever the locale of the
request or the computer: a document is written the Vietnamese way for every reader.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

# The largest amount a figure may hold; anything at or above it is a typing slip.
MAX_AMOUNT = Decimal("1000000000000")
MAX_DECIMAL_PLACES = 2

# ASCII digits only: \d would also take Arabic-Indic or other scripts' digits.
_PLAIN = re.compile(r"[0-9]+(?:,[0-9]+)?")  # 1234567 or 95,77
# A dot before exactly three digits groups thousands: 3.000, 1.234.567, 1.234,5.
# The first group has no leading zero: "0.500" is an English decimal, not five hundred.
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+(?:,[0-9]+)?")
# Digits on both sides of white space: cells of a column copied from Excel into one field
# arrive as "12\t345\t678" or "12\n345\n678", which a space-grouping reader would take for
# 12.345.678, so white space never groups thousands.
_PASTED = re.compile(r"[0-9][.,]? [.,]?[0-9]")
# A point that cannot be a thousands dot: 95.77 or 1.25, as pasted from an English sheet.
_POINT_DECIMAL = re.compile(r"[0-9]+\.[0-9]+")
_SIGNED = re.compile(r"[-+−]\s*[0-9.,\s]+")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Full-width forms (U+FF01–FF5E, typed with a Vietnamese or East Asian input method) map to
# ASCII; nothing else is converted, so a pasted footnote mark "96¹" is refused, not read as 961.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


class NumberFormatError(ValueError):
    """Raised with a Vietnamese message when typed text is not a number the app can trust."""


def accepted_forms():
    return _("Accepted forms: 1234567, 1.234.567, 95,77 or 1.234,5.")


def parse_number(text):
    """Read a number typed by a Vietnamese user and return a Decimal, or None for empty text.

    A dot before groups of exactly three digits separates thousands ("3.000" is three thousand,
    "1.234,5" is one thousand two hundred and thirty-four and a half); the comma is the decimal
    separator. Anything else with a dot ("95.77", "1.25") is refused with a message that shows
    how to write it, never read as 9577; so is white space between digits ("12 345 678", or
    three cells of a column pasted into one field), never read as one number. White space
    around the number is fine. Raises NumberFormatError, with a message that names the
    accepted forms, for anything that cannot be read with certainty.
    """
    text = (text or "").translate(_FULL_WIDTH)
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return None
    if _SIGNED.fullmatch(text):
        if text[0] in "-−":
            raise NumberFormatError(_("The number cannot be negative."))
        raise NumberFormatError(
            _("Do not type a plus (+) or minus (−) sign before the number.")
            + " "
            + accepted_forms()
        )
    if _PASTED.search(text):
        raise NumberFormatError(pasted_message(text))
    if _PLAIN.fullmatch(text) or _GROUPED.fullmatch(text):
        canonical = text.replace(".", "").replace(",", ".")
    elif _POINT_DECIMAL.fullmatch(text):
        raise NumberFormatError(
            _(
                "“%(text)s”: the dot only separates thousands (3.000 is three thousand); write "
                "decimals with a comma: %(comma)s."
            )
            % {"text": text, "comma": text.replace(".", ",")}
        )
    else:
        message = _("“%(text)s” is not a number.") % {"text": text[:40]}
        raise NumberFormatError(message + " " + accepted_forms())
    try:
        value = Decimal(canonical)
    except InvalidOperation:  # pragma: no cover - the patterns above admit only digits
        raise NumberFormatError(accepted_forms()) from None
    return check_amount(value)


def pasted_message(text):
    """Why "12 345 678" is refused: most likely several values pasted into one field; and how
    to write it, were it one number (12.345.678)."""
    message = _(
        "“%(text)s” has spaces or line breaks between its digits: several values were probably "
        "pasted into one field. Enter one value in each field."
    ) % {"text": text[:40]}
    try:
        joined = parse_number(text.replace(" ", ""))
    except NumberFormatError:
        joined = None
    if joined is None:
        return message
    return (
        message
        + " "
        + _(
            "If it is a single number, write it %(number)s (a dot between thousands, a comma "
            "before decimals)."
        )
        % {"number": format_number(joined)}
    )


def check_amount(value):
    """Refuse a Decimal that a figure may not hold; return it unchanged otherwise."""
    if not value.is_finite():
        raise NumberFormatError(_("The value is not valid."))
    if value < 0:
        raise NumberFormatError(_("The number cannot be negative."))
    if value >= MAX_AMOUNT:
        raise NumberFormatError(
            _("The number is too large (at most %(max)s).") % {"max": format_number(MAX_AMOUNT - 1)}
        )
    # Counted as typed: "1,000" is refused too, since it is most likely a pasted English 1,000.
    if -value.as_tuple().exponent > MAX_DECIMAL_PLACES:
        raise NumberFormatError(
            _("At most %(places)d digits after the decimal comma.") % {"places": MAX_DECIMAL_PLACES}
        )
    return value


def format_number(value, places=None):
    """Format a Decimal as "1.234.567,89", rounding half-up to ``places`` when given.

    Without ``places`` the value keeps its significant decimals: 96 prints as "96", 95.77 as
    "95,77", and 95.70 as "95,7".
    """
    if value is None:
        return ""
    value = Decimal(value)
    if places is None:
        digits = format(value.normalize(), "f")
    else:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        digits = format(value, "f")
    sign = ""
    if digits.startswith("-"):
        sign, digits = "-", digits[1:]
    whole, _sep, fraction = digits.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + ".".join(groups)
    if fraction:
        result += "," + fraction
    return result


def format_percent(value, places=None):
    """Format a percent as the ward writes it, with no space before the sign: "99,76%", "150%"
    in text (two decimals where the value has them, none where it is whole), or always with
    ``places`` decimals in a table column ("150,00%"); "–" where there is none."""
    if value is None:
        return "–"
    value = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if places is None:
        places = 0 if value == value.to_integral_value() else 2
    return format_number(value, places=places) + "%"
