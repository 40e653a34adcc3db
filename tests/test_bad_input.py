"""What people actually type into the forms, sent through HTTP to the real views.

Each row of a table is either what the app stores or the Vietnamese words it refuses with; a
refused save keeps what was typed in the form and changes no row.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils.html import escape

from cells.models import CellYear, Task
from targets.models import Figure, FigureChange, Target
from targets.report import Row

from .helpers import CAU_THIA, text_of

BHYT = "bao-hiem-y-te"


@dataclass(frozen=True)
class Refused:
    """The form refuses the input with a message containing ``words``."""

    words: str


# The messages of targets/numbers.py as locale/vi/LC_MESSAGES/django.po translates them.
NOT_A_NUMBER = "không phải là số. Cách viết được chấp nhận: 1234567, 1.234.567, 95,77 hoặc 1.234,5."
NEGATIVE = "Số không được âm."
SIGN = "Không nhập dấu cộng (+) hoặc trừ (−) trước số. Cách viết được chấp nhận"
TOO_LARGE = "Số quá lớn (tối đa 999.999.999.999)."
DECIMALS = "Tối đa 2 chữ số sau dấu phẩy thập phân."
PASTED = "có lẽ nhiều giá trị đã được dán vào cùng một ô"


def point_decimal(text):
    comma = text.replace(".", ",")
    return Refused(
        f"“{text}”: dấu chấm chỉ dùng để tách hàng nghìn (3.000 là ba nghìn); "
        f"hãy viết phần thập phân sau dấu phẩy: {comma}."
    )


def not_a_number(text):
    return Refused(f"“{text}” {NOT_A_NUMBER}")


def case(typed, expected):
    label = typed.encode("unicode_escape").decode() or "empty"
    return pytest.param(typed, expected, id=label)


AMOUNTS = [
    # Vietnamese forms; a point before anything but groups of three digits is refused
    case("95,77", D("95.77")),
    case("95.77", point_decimal("95.77")),
    case("95.7", point_decimal("95.7")),
    case("0.500", point_decimal("0.500")),
    case("0,5", D("0.5")),
    case("95,70", D("95.7")),
    case("0", D("0")),
    case("1234567", D("1234567")),
    case("1.234.567", D("1234567")),
    case("1.234,5", D("1234.5")),
    case("12.345.678,90", D("12345678.90")),
    case("3.000", D("3000")),
    case("1.234", D("1234")),
    case("12.345", D("12345")),
    case("95.777", D("95777")),
    # white space: around a number, fine; between digits (also non-breaking and narrow
    # non-breaking, tabs, line breaks), cells of a column pasted into one field
    case(" 96 ", D("96")),
    case("1 234 567", Refused(PASTED)),
    case("1\u00a0234", Refused(PASTED)),
    case("1\u202f234,5", Refused(PASTED)),
    case("12\t345\t678", Refused(PASTED)),
    case("12\n345\n678", Refused(PASTED)),
    case("9 6", Refused(PASTED)),
    # signs
    case("-5", Refused(NEGATIVE)),
    case("−5", Refused(NEGATIVE)),  # U+2212 MINUS SIGN
    case("- 5", Refused(NEGATIVE)),
    case("+5", Refused(SIGN)),
    # exponents
    case("1e3", not_a_number("1e3")),
    case("1E3", not_a_number("1E3")),
    case("1e-2", not_a_number("1e-2")),
    # not-a-number and infinity, as Python's Decimal and float would read them
    case("NaN", not_a_number("NaN")),
    case("nan", not_a_number("nan")),
    case("NAN", not_a_number("NAN")),
    case("sNaN", not_a_number("sNaN")),
    case("Infinity", not_a_number("Infinity")),
    case("inf", not_a_number("inf")),
    case("Inf", not_a_number("Inf")),
    case("-Infinity", not_a_number("-Infinity")),
    case("-inf", not_a_number("-inf")),
    case("+inf", not_a_number("+inf")),
    case("∞", not_a_number("∞")),
    # full-width digits and comma: NFKC makes them ASCII, so they read as typed
    case("９５，７７", D("95.77")),
    case("９５,７７", D("95.77")),
    # empty: no value yet, which a figure may have
    case("", None),
    case("   ", None),
    # size: the largest amount a numeric(14, 2) below 10^12 holds, and one more
    case("999.999.999.999,99", D("999999999999.99")),
    case("999999999999", D("999999999999")),
    case("1000000000000", Refused(TOO_LARGE)),
    case("1.000.000.000.000", Refused(TOO_LARGE)),
    # decimals
    case("95,777", Refused(DECIMALS)),
    case("0,001", Refused(DECIMALS)),
    case("1.234.567,891", Refused(DECIMALS)),
    case("1\u00a0234,567", Refused(PASTED)),
    case(
        "1,000",
        Refused(DECIMALS),
    ),
    case(
        "2,500",
        Refused(DECIMALS),
    ),
    # letters, symbols, other notations
    case("abc", not_a_number("abc")),
    case("12a", not_a_number("12a")),
    case("95,77 %", not_a_number("95,77 %")),
    case("1,234.5", not_a_number("1,234.5")),
    case("1_000", not_a_number("1_000")),
    case("0x10", not_a_number("0x10")),
    case(
        "96¹",
        not_a_number("96¹"),
    ),
    case(
        "10²",
        not_a_number("10²"),
    ),
    # leading zeros, and separators with nothing on one side
    case("007", D("7")),
    case(",", not_a_number(",")),
    case(".", not_a_number(".")),
    case("1,", not_a_number("1,")),
    case(",5", not_a_number(",5")),
    case("5.", not_a_number("5.")),
]


def bhyt():
    return Figure.objects.get(target__slug=BHYT, year__committee__slug=CAU_THIA, year__year=2023)


def stored(figure):
    """The figure's whole row and the number of its recorded changes."""
    return (
        list(Figure.objects.filter(pk=figure.pk).values()),
        FigureChange.objects.filter(figure=figure).count(),
    )


def input_value(html, name):
    """The value attribute of the form's input named ``name``, as written in the page."""
    tags = re.findall(rf'<input\b[^>]*\bname="{name}"[^>]*>', html)
    assert len(tags) == 1, f"{len(tags)} inputs named {name}"
    value = re.search(r'\bvalue="([^"]*)"', tags[0])
    return value.group(1) if value else None


def edit_figure(client, field, typed):
    """POST the edit form with ``typed`` in ``field`` and the stored values in the rest, with
    the box ticked that confirms a value the page questions (BHYT is a rate: 1.234.567 is read
    as typed, and questioned for being above 100)."""
    current = bhyt()
    data = {
        "plan": Row(current).plan_text,
        "actual": Row(current).actual_text,
        "note": current.note,
        "version": current.version,
        "confirm": "on",
    }
    data[field] = typed
    return client.post(reverse("targets:edit", args=[CAU_THIA, 2023, BHYT]), data)


@pytest.mark.parametrize("field", ["plan", "actual"])
@pytest.mark.parametrize(("typed", "expected"), AMOUNTS)
def test_a_typed_amount_is_stored_as_read_or_refused_in_vietnamese_and_kept(
    alice_client, demo, field, typed, expected
):
    figure = bhyt()
    setattr(figure, field, D("42.42"))  # a value no row of the table expects
    figure.save()
    before = stored(figure)

    response = edit_figure(alice_client, field, typed)

    if isinstance(expected, Refused):
        assert response.status_code == 400
        assert expected.words in text_of(response)
        assert input_value(response.content.decode(), field) == escape(typed)
        assert stored(figure) == before
    else:
        assert response.status_code == 302
        after = bhyt()
        assert getattr(after, field) == expected
        assert after.version == figure.version + 1
        assert stored(figure)[1] == before[1] + 1


# --- The cells' forms -------------------------------------------------------------------------

REQUIRED = "Trường này là bắt buộc."
WHOLE_NUMBER = "Hãy nhập một số nguyên, ví dụ 25."
AT_MOST_9999 = "Giá trị tối đa là 9.999."

RATING = {
    "secretary_name": "Đồng Thị Dưỡng",
    "members": "25",
    "rating": "good",
    "members_excellent": "3",
    "members_good": "20",
    "members_completed": "2",
    "members_not_completed": "0",
}


def cell_years():
    return list(CellYear.objects.order_by("pk").values())


def test_the_rating_form_accepts_the_base_values_of_the_table(bithu):
    response = bithu.post(
        reverse("cells:rating_edit", kwargs={"committee": CAU_THIA, "year": 2024, "number": 2}),
        RATING,
    )
    assert response.status_code == 302
    stored_year = CellYear.objects.get(
        year__committee__slug=CAU_THIA, year__year=2024, cell__number=2
    )
    assert (stored_year.members, stored_year.members_good, stored_year.rating) == (25, 20, "good")


@pytest.mark.parametrize(
    ("field", "typed", "words"),
    [
        ("members", "-1", NEGATIVE),
        ("members", "abc", not_a_number("abc").words),
        ("members", "40000", AT_MOST_9999),
        ("members", "40.000", AT_MOST_9999),
        ("members", "25,5", WHOLE_NUMBER),
        ("members", "25.5", point_decimal("25.5").words),
        ("members", "", REQUIRED),
        ("members", "NaN", not_a_number("NaN").words),
        ("members", "2e1", not_a_number("2e1").words),
        ("members", "20", "Đã xếp loại 25 đảng viên nhưng chi bộ chỉ có 20 đảng viên."),
        ("members_excellent", "-3", NEGATIVE),
        ("members_good", "99999999999999999999", TOO_LARGE),
        ("members_good", "", REQUIRED),
        ("members_completed", "hai", not_a_number("hai").words),
        ("members_not_completed", "0,5", WHOLE_NUMBER),
        ("rating", "best", "Hãy chọn một lựa chọn hợp lệ. best không phải là một trong"),
    ],
)
def test_a_bad_count_in_the_rating_is_refused_in_vietnamese_and_nothing_changes(
    bithu, field, typed, words
):
    before = cell_years()
    response = bithu.post(
        reverse("cells:rating_edit", kwargs={"committee": CAU_THIA, "year": 2024, "number": 2}),
        RATING | {field: typed},
    )
    assert response.status_code == 400
    assert words in text_of(response)
    assert cell_years() == before


INVALID_DATE = "Nhập một ngày hợp lệ."


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("31/12/2023", date(2023, 12, 31)),
        ("2023-12-31", date(2023, 12, 31)),
        ("01/03/2024", date(2024, 3, 1)),  # day first: 1 March, not 3 January
        ("1/3/2024", date(2024, 3, 1)),
        ("31/12/23", date(2023, 12, 31)),
        ("31-12-2023", date(2023, 12, 31)),
        (" 31/12/2023 ", date(2023, 12, 31)),
        ("", None),
        ("31/02/2023", Refused(INVALID_DATE)),
        ("12/31/2023", Refused(INVALID_DATE)),
        ("hôm nay", Refused(INVALID_DATE)),
        ("32/01/2023", Refused(INVALID_DATE)),
        ("2023/12/31", Refused(INVALID_DATE)),
        ("31.12.2023", Refused(INVALID_DATE)),
        ("<b>31/12/2023</b>", Refused(INVALID_DATE)),
    ],
)
def test_a_task_due_date_is_read_day_first_or_refused_in_vietnamese(bithu, typed, expected):
    count = Task.objects.count()
    response = bithu.post(
        reverse("cells:task_add", kwargs={"committee": CAU_THIA, "year": 2023, "number": 1}),
        {
            "target": Target.objects.get(committee__slug=CAU_THIA, slug=BHYT).pk,
            "description": "Vận động hộ gia đình tham gia BHYT",
            "responsible": "Tổ trưởng tổ dân phố số 1",
            "due_date": typed,
            "status": "planned",
            "note": "",
        },
    )
    if isinstance(expected, Refused):
        assert response.status_code == 400
        assert expected.words in text_of(response)
        assert input_value(response.content.decode(), "due_date") == escape(typed)
        assert Task.objects.count() == count
    else:
        assert response.status_code == 302
        assert Task.objects.count() == count + 1
        task = Task.objects.get(description="Vận động hộ gia đình tham gia BHYT")
        assert (task.cell.number, task.year.year, task.due_date) == (1, 2023, expected)
