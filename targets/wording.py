"""The fixed words of a Party document (Hướng dẫn 36-HD/VPTW): the committee block, the number
and date lines, the type and subject, the draft mark, the signature and "Nơi nhận". Names,
numbers, signers and recipients are data of the year; only the form's own words are here, as
translated strings, and every document is written in Vietnamese whoever asks for it."""

from django.utils.translation import gettext as _

from .progress import Stage

# The blanks left for a number, a day and a month written by hand before the report is issued.
BLANK_NUMBER = " " * 6
BLANK_DAY = " " * 4


def superior_line(year):
    """The superior party organisation, in capitals: "ĐẢNG BỘ THỊ XÃ NGHĨA LỘ"."""
    return year.superior_party_body.upper()


def executive_line(year):
    """The issuing committee, in capitals: "ĐẢNG ỦY PHƯỜNG CẦU THIA"."""
    return year.executive_name.upper()


def number_line(year, stage=Stage.FINAL):
    """ "Số 125-BC/ĐU", or blanks for the number until it is issued: "Số      -BC/ĐU"."""
    number, _date = year.issued_as(stage)
    return _("No. %(number)s-%(code)s") % {
        "number": number or BLANK_NUMBER,
        "code": year.document_code,
    }


def padded(value, limit):
    """A day or month as a Party document writes it: a zero before 1–``limit`` only."""
    return f"{value:02d}" if value <= limit else str(value)


def date_words(date):
    """ "ngày 05 tháng 01 năm 2024", "ngày 20 tháng 6 năm 2024": a zero before days 1–9 and
    months 1 and 2 only."""
    return _("day %(day)s month %(month)s year %(year)s") % {
        "day": padded(date.day, 9),
        "month": padded(date.month, 2),
        "year": date.year,
    }


def report_year(year, stage):
    """The year a report at ``stage`` is usually dated in: the six-month review in the year
    itself, the year-end report in the year after."""
    return year.year if stage == Stage.HALF else year.year + 1


def place_and_date_line(year, stage=Stage.FINAL):
    """The place and date line; without a date, blanks for the day and month by hand."""
    _number, date = year.issued_as(stage)
    if date:
        return f"{year.place_name}, {date_words(date)}"
    blank = _("day %(day)s month %(month)s year %(year)s") % {
        "day": BLANK_DAY,
        "month": BLANK_DAY,
        "year": report_year(year, stage),
    }
    return f"{year.place_name}, {blank}"


def short_date(year, stage):
    """The date as an annex's "Kèm theo" line writes it: "05/01/2024", or blanks."""
    _number, date = year.issued_as(stage)
    if date:
        return date.strftime("%d/%m/%Y")
    return f"{BLANK_DAY}/{BLANK_DAY}/{report_year(year, stage)}"


def report_type():
    return _("REPORT")


def report_subject(year, stage=Stage.FINAL):
    """The subject under the type name, in lower case as the guidance writes it."""
    if stage == Stage.HALF:
        return _("results of the main targets in the first six months of %(year)s") % {
            "year": year.year
        }
    return _("results of the main targets of %(year)s") % {"year": year.year}


def draft_mark():
    return _("DRAFT")


def stage_line(stage):
    """Which figures a table shows: "(Số liệu ước thực hiện cả năm)"."""
    return {
        Stage.HALF: _("(Figures at six months, against the year's plan)"),
        Stage.ESTIMATE: _("(Estimated figures for the whole year)"),
        Stage.FINAL: _("(Figures for the whole year)"),
    }[stage]


def annex_title(number):
    """ "PHỤ LỤC I"."""
    return _("ANNEX %(number)s") % {"number": number}


def attached_line(year, stage=Stage.FINAL):
    """ "(Kèm theo Báo cáo số 125-BC/ĐU, ngày 05/01/2024 của Đảng ủy phường Cầu Thia)"."""
    number, _date = year.issued_as(stage)
    return _("(Attached to Report No. %(number)s-%(code)s of %(date)s of the %(committee)s)") % {
        "number": number or BLANK_NUMBER,
        "code": year.document_code,
        "date": short_date(year, stage),
        "committee": year.executive_name,
    }


def signature_lines(year):
    """The signature block: "T/M ĐẢNG ỦY", the signer's title, and the name."""
    return _("FOR THE PARTY COMMITTEE"), str(year.get_signer_title_display()), year.secretary_name


def recipients_label():
    return _("Recipients:")
