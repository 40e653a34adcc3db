import datetime
from decimal import Decimal

from django import forms
from django.utils import formats, translation


def test_vietnamese_dates_read_and_print_day_first():
    with translation.override("vi"):
        field = forms.DateField()
        assert field.clean("01/03/2024") == datetime.date(2024, 3, 1)
        assert formats.date_format(datetime.date(2024, 1, 5), "SHORT_DATE_FORMAT") == "05/01/2024"


def test_vietnamese_numbers_group_with_dots_and_decimal_comma():
    with translation.override("vi"):
        shown = formats.number_format(Decimal("1234567.89"), 2, use_l10n=True, force_grouping=True)
        assert shown == "1.234.567,89"
