from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.numbers import NumberFormatError, format_number, format_percent, parse_number


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("95,77", D("95.77")),
        ("1.234.567", D("1234567")),
        ("1.234,5", D("1234.5")),
        ("1234567", D("1234567")),
        ("0", D("0")),
        ("0,5", D("0.5")),
        ("  96  ", D("96")),
        ("\t96\n", D("96")),  # white space around a number is no value of its own
        ("3.000", D("3000")),  # a dot before three digits always groups thousands
        ("1.234", D("1234")),
        ("12.345", D("12345")),
        ("95.777", D("95777")),
        ("９５,７７", D("95.77")),  # full-width digits
        ("12.345.678,90", D("12345678.90")),
        ("999.999.999.999,99", D("999999999999.99")),
        ("", None),
        ("   ", None),
    ],
)
def test_it_reads_vietnamese_numbers(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("95.77", "viết phần thập phân sau dấu phẩy: 95,77"),
        ("1.25", "viết phần thập phân sau dấu phẩy: 1,25"),
        ("0.500", "viết phần thập phân sau dấu phẩy: 0,500"),
        ("-5", "không được âm"),
        ("−5", "không được âm"),
        ("+5", "Không nhập dấu cộng"),
        ("1e3", "không phải là số"),
        ("1E3", "không phải là số"),
        ("NaN", "không phải là số"),
        ("nan", "không phải là số"),
        ("Infinity", "không phải là số"),
        ("inf", "không phải là số"),
        ("-inf", "không phải là số"),
        ("1,234.5", "không phải là số"),
        ("1.23.4", "không phải là số"),
        ("1,2,3", "không phải là số"),
        ("95,777", "chữ số sau dấu phẩy"),
        ("1000000000000", "quá lớn"),
        ("abc", "không phải là số"),
        ("5 %", "không phải là số"),
        ("1.2345", "dấu chấm chỉ dùng để tách hàng nghìn"),
        ("01.234", "dấu chấm chỉ dùng để tách hàng nghìn"),
        # White space between digits: most likely cells of a column pasted into one field.
        ("1 234 567", "có lẽ nhiều giá trị đã được dán vào cùng một ô"),
        ("1\u00a0234,5", "Nếu đây là một số thì viết là 1.234,5"),
        ("1\u202f234", "Nếu đây là một số thì viết là 1.234 "),
        ("12\t345\t678", "Nếu đây là một số thì viết là 12.345.678 "),
        ("12\r\n345\r\n678", "Nếu đây là một số thì viết là 12.345.678 "),
        ("9 6", "dán vào cùng một ô"),
        ("12, 345", "dán vào cùng một ô"),
    ],
)
def test_it_refuses_what_it_cannot_read_with_certainty(typed, message):
    with pytest.raises(NumberFormatError, match=message):
        parse_number(typed)


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (D("1234567"), None, "1.234.567"),
        (D("95.77"), None, "95,77"),
        (D("96.00"), None, "96"),
        (D("1234.50"), None, "1.234,5"),
        (D("0"), None, "0"),
        (D("999"), None, "999"),
        (D("1000"), None, "1.000"),
        (D("99.765"), 2, "99,77"),
        (D("208.3333"), 2, "208,33"),
        (D("1234567.891"), 2, "1.234.567,89"),
        (D("150"), 2, "150,00"),
    ],
)
def test_it_writes_vietnamese_numbers(value, places, shown):
    assert format_number(value, places) == shown


@pytest.mark.parametrize(
    ("value", "in_text", "in_a_column"),
    [
        (D("99.76"), "99,76%", "99,76%"),
        (D("150"), "150%", "150,00%"),
        (D("150.00"), "150%", "150,00%"),
        (D("208.33"), "208,33%", "208,33%"),
        (D("99.7"), "99,70%", "99,70%"),
        (D("99.995"), "100%", "100,00%"),  # rounded half-up first, then whole
        (D("1262.5"), "1.262,50%", "1.262,50%"),
    ],
)
def test_percent_reads_as_the_ward_writes_it(value, in_text, in_a_column):
    # No space before the sign; two decimals where the value has them, none where it is whole
    # in a sentence; always two in a table column.
    assert format_percent(value) == in_text
    assert format_percent(value, places=2) == in_a_column


# Every amount a figure can hold: 0 to 10^12, with no, one or two decimals.
amounts = st.one_of(
    st.integers(0, 10**12 - 1).map(D),
    st.integers(0, 10**14 - 1).map(lambda cents: D(cents).scaleb(-2)),
    st.integers(0, 10**13 - 1).map(lambda tenths: D(tenths).scaleb(-1)),
    st.sampled_from([D("0.01"), D("0.5"), D("1000"), D("1000.5"), D("999999999999.99")]),
)


@given(amounts)
def test_what_the_app_writes_it_reads_back_as_the_same_amount(value):
    assert parse_number(format_number(value)) == value


@pytest.mark.parametrize(
    "pasted", ["12 345 678", "12\t345\t678", "12\n345\n678", "12\u00a0345 678"]
)
def test_a_pasted_column_is_refused_whatever_white_space_separates_its_cells(pasted):
    with pytest.raises(NumberFormatError) as refused:
        parse_number(pasted)
    assert str(refused.value) == (
        "“12 345 678” có khoảng trắng hoặc dấu xuống dòng giữa các chữ số: có lẽ nhiều giá trị "
        "đã được dán vào cùng một ô. Mỗi ô chỉ nhập một giá trị. Nếu đây là một số thì viết là "
        "12.345.678 (dấu chấm tách hàng nghìn, dấu phẩy trước phần thập phân)."
    )


def test_pasted_values_that_make_no_number_together_are_refused_without_a_suggestion():
    with pytest.raises(NumberFormatError) as refused:
        parse_number("95,77 96,5")
    assert "dán vào cùng một ô" in str(refused.value)
    assert "viết là" not in str(refused.value)


@given(amounts, amounts, st.sampled_from([" ", "\t", "\n", "\r\n", "\u00a0", "\u202f", " \t "]))
def test_two_amounts_the_app_writes_pasted_into_one_field_are_never_read(first, second, spaces):
    with pytest.raises(NumberFormatError, match="dán vào cùng một ô"):
        parse_number(format_number(first) + spaces + format_number(second))
