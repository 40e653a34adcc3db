"""The fixed words of a Party document (Hướng dẫn 36-HD/VPTW): the committee block, the number
and date lines, the type and subject, the draft mark, the signature and "Nơi nhận". Names,
numbers, signers and recipients are data of the year; only the form's own words are here, as
translated strings, and every document is written in Vietnamese whoever asks for it."""

from django.utils.translation import gettext as _

from .stages import Stage

# The blanks left for a number, a day and a month written by hand before the report is issued.
BLANK_NUMBER = " " * 6
BLANK_DAY = " " * 4


def superior_line(year):
    """The superior party organisation, in capitals: "ĐẢNG BỘ THỊ XÃ NGHĨA LỘ"."""
    return year.superior_party_body.upper()


def executive_line(year):
    """The issuing committee, in capitals: "ĐẢNG ỦY PHƯỜNG CẦU THIA"."""
    return year.executive_name.upper()


def number_line(year, stage=Stage.FINAL, draft=False):
    """ "Số 125-BC/ĐU", or blanks for the number until it is issued: "Số      -BC/ĐU". A draft
    never carries a number: the office gives it on issue."""
    number, _date = year.issued_as(stage)
    return _("No. %(number)s-%(code)s") % {
        "number": (not draft and number) or BLANK_NUMBER,
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
    """The year a report at ``stage`` is dated in when its date is left blank: the reports
    inside the year and the estimate are made within it, the final report after it ends."""
    return year.year + 1 if stage.dated_after_year else year.year


def issued_date(year, stage, draft):
    """The date a report at ``stage`` was issued on; None for a draft or one not yet issued."""
    return None if draft else year.issued_as(stage)[1]


def place_and_date_line(year, stage=Stage.FINAL, draft=False):
    """The place and date line; without a date (and always on a draft), blanks for the day and
    month by hand."""
    date = issued_date(year, stage, draft)
    if date:
        return f"{year.place_name}, {date_words(date)}"
    blank = _("day %(day)s month %(month)s year %(year)s") % {
        "day": BLANK_DAY,
        "month": BLANK_DAY,
        "year": report_year(year, stage),
    }
    return f"{year.place_name}, {blank}"


def short_date(year, stage, draft=False):
    """The date as an annex's "Kèm theo" line writes it: "05/01/2024", or blanks."""
    date = issued_date(year, stage, draft)
    if date:
        return date.strftime("%d/%m/%Y")
    return f"{BLANK_DAY}/{BLANK_DAY}/{report_year(year, stage)}"


def report_type():
    return _("REPORT")


def report_subject(year, stage=Stage.FINAL):
    """The usual subject under the type name, in lower case as the guidance writes it: what the
    report covers, its results and the direction that follows (section III)."""
    return stage.subject % {"year": year.year, "next": year.year + 1}


def annex_subject(year, stage=Stage.FINAL):
    """The targets' annex title, in capitals: "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU NĂM 2023"."""
    return (stage.annex_subject % {"year": year.year}).upper()


def closing_words():
    return _("The above is the report")


def closing_line(year, subject):
    """The sentence that closes the text: "Trên đây là báo cáo … của Đảng ủy phường Cầu Thia./."."""
    return _("%(opening)s on %(subject)s of the %(committee)s./.") % {
        "opening": closing_words(),
        "subject": subject,
        "committee": year.executive_name,
    }


def draft_mark():
    return _("DRAFT")


def stage_line(stage):
    """Which figures a table shows: "(Số liệu ước thực hiện cả năm)"."""
    return str(stage.table_line)


def annex_title(number):
    """ "PHỤ LỤC I"."""
    return _("ANNEX %(number)s") % {"number": number}


def attached_line(year, stage=Stage.FINAL, draft=False):
    """ "(Kèm theo Báo cáo số 125-BC/ĐU, ngày 05/01/2024 của Đảng ủy phường Cầu Thia)"."""
    number, _date = year.issued_as(stage)
    return _("(Attached to Report No. %(number)s-%(code)s of %(date)s of the %(committee)s)") % {
        "number": (not draft and number) or BLANK_NUMBER,
        "code": year.document_code,
        "date": short_date(year, stage, draft),
        "committee": year.executive_name,
    }


def signature_lines(year):
    """The signature block: "T/M ĐẢNG ỦY" (or "T/M BAN THƯỜNG VỤ"), the signer's title, and
    the name."""
    return (
        str(year.get_signing_body_display()),
        str(year.get_signer_title_display()),
        year.secretary_name,
    )


def recipients_label():
    return _("Recipients:")
