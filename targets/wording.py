"""The fixed words of a Party report: the committee block, the number and date lines, the
status. Names, numbers and codes are data of the year; only the form's own words are here, as
translated strings, and every document is written in Vietnamese whoever asks for it."""

from django.utils.translation import gettext as _

from .progress import Stage

# The blanks left for a number, a day and a month written by hand before the report is issued.
BLANK_NUMBER = " " * 5
BLANK_DAY = " " * 3


def executive_line(year):
    """The issuing committee, in capitals: "ĐẢNG ỦY PHƯỜNG CẦU THIA"."""
    return year.executive_name.upper()


def number_line(year):
    """ "Số 125-BC/ĐU", or blanks for the number until it is issued: "Số      -BC/ĐU"."""
    return _("No. %(number)s-%(code)s") % {
        "number": year.report_number or BLANK_NUMBER,
        "code": year.document_code,
    }


def date_words(date):
    """ "ngày 05 tháng 01 năm 2024": day and month below 10 take a leading zero."""
    return _("day %(day)s month %(month)s year %(year)s") % {
        "day": f"{date.day:02d}",
        "month": f"{date.month:02d}",
        "year": date.year,
    }


def place_and_date_line(year):
    """The place and date line; without a date, blanks for the day and month of next year."""
    if year.report_date:
        return f"{year.place_name}, {date_words(year.report_date)}"
    blank = _("day %(day)s month %(month)s year %(year)s") % {
        "day": BLANK_DAY,
        "month": BLANK_DAY,
        "year": year.year + 1,
    }
    return f"{year.place_name}, {blank}"


def status_line(is_final):
    if is_final:
        return _("Final figures")
    return _("Provisional figures (the year is not closed)")


def report_subject(year):
    return _("Results of the targets of %(year)s") % {"year": year.year}


def stage_line(stage):
    """Which figures the report shows: "(Số liệu ước thực hiện cả năm)"."""
    return {
        Stage.HALF: _("(Figures at six months, against the year's plan)"),
        Stage.ESTIMATE: _("(Estimated figures for the whole year)"),
        Stage.FINAL: _("(Figures for the whole year)"),
    }[stage]
