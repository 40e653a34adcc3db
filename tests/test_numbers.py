from decimal import Decimal as D

import pytest

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
        ("1 234 567", D("1234567")),
        ("1\u00a0234,5", D("1234.5")),
        ("95.77", D("95.77")),  # a point before two digits cannot be a thousands dot
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
        ("1.234", "không rõ nghĩa"),
        ("12.345", "không rõ nghĩa"),
        ("-5", "không được âm"),
        ("−5", "không được âm"),
        ("+5", "không kèm dấu"),
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
        ("1.2345", "không phải là số"),
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


def test_percent_reads_as_the_ward_writes_it():
    assert format_percent(D("99.76")) == "99,76 %"
