"""The words of a report drafted from its figures, for the office to edit, as a Party office
writes them: results as values, never fractions ("giảm 13 hộ nghèo, bằng 130% kế hoạch"), a
ceiling against its limit with no percent ("xảy ra 02 vụ …, dưới mức khống chế (không quá
03 vụ)"), a qualitative target as a sentence, and no verdict at six months ("đạt thấp so với kế
hoạch năm").

Section I states what each area achieved, section II what fell short and its causes, section
III the tasks that follow, each beginning with a verb.

The causes come from each figure's reason, written by the office in its own words. A part of a
reason that starts "Khách quan:" is an objective cause (nguyên nhân khách quan) and one that
starts "Chủ quan:" a subjective one (nguyên nhân chủ quan), in capitals or not; one reason may
hold both, each label at its start or after a full stop, semicolon, comma or line break:
"Khách quan: mưa lũ kéo dài. Chủ quan: công tác chỉ đạo còn chậm". Words before any label, or a
reason with none, are subjective causes: the office holds that the subjective causes are the
main ones.

The draft is plain text, one paragraph a line, in Vietnamese whoever asks: it becomes the
report's text once the office saves it (targets.models.ReportText).
"""

import re

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import display
from .progress import Assessment, Direction, Kind, small_count

# Words that keep their capital inside a sentence: "Đảng bộ", "Mặt trận Tổ quốc" (but "đảng
# viên").
PROPER = re.compile(r"(Đảng(?! viên)|Mặt trận|Nhà nước)\b")
# "{actual}/{plan}" in a phrase written for the old fraction form: the plan is dropped.
FRACTION = re.compile(r"\s*/\s*\{plan\}|\{plan\}\s*/\s*")
# A cause's label: at the start of the reason or after a full stop, semicolon, comma or line
# break.
CAUSE_LABEL = re.compile(r"(?:^|[.;,\n])\s*(khách quan|chủ quan)\s*:", re.IGNORECASE)
OBJECTIVE, SUBJECTIVE = "khách quan", "chủ quan"
# The counts written with a leading zero (a Decimal 2 is in it, 2.5 is not).
SMALL_COUNTS = range(1, 10)


def lower_first(text):
    """ "Tổng sản lượng …" → "tổng sản lượng …", leaving "BHYT", "OCOP", "Đảng bộ" alone."""
    if (len(text) > 1 and text[1].isupper()) or PROPER.match(text):
        return text
    return text[:1].lower() + text[1:]


def upper_first(text):
    return text[:1].upper() + text[1:]


def with_unit(amount, unit):
    """ "03 tổ", "95,77%": a percent sign follows the number with no space."""
    if not unit:
        return amount
    return f"{amount}{unit}" if unit == "%" else f"{amount} {unit}"


def amount_words(kind, value):
    """A number as a sentence writes it: "1.262,5", "95,77"; a small count with its leading
    zero ("02")."""
    if kind in (Kind.COUNT, Kind.REDUCTION) and value in SMALL_COUNTS:
        return small_count(int(value))
    return display.amount_text(kind, value)


def value_words(row, value):
    """ "02 vụ", "4.000 triệu đồng", "96,5%"."""
    return with_unit(amount_words(row.target.kind, value), row.unit)


def name_of(row):
    return lower_first(row.name)


def is_ceiling(row):
    return row.target.direction == Direction.LOWER


# --- Section I: a target's result as a value --------------------------------------------------


def phrased(row, value):
    """The target's own phrase in the report with ``value``: "thành lập mới 03 tổ hợp tác";
    a phrase written as a fraction ("{actual}/{plan}") keeps only the value. None where the
    target has no phrase that names the value."""
    phrase = FRACTION.sub("", row.target.report_phrase)
    if "{actual}" not in phrase:
        return None
    try:
        return phrase.format(
            actual=amount_words(row.target.kind, value),
            plan=display.amount_text(row.target.kind, row.plan),
            unit=row.unit,
        )
    except (KeyError, IndexError, ValueError):  # a phrase stored past its validator
        return None


def value_phrase(row, value):
    """What a target reached, as a value: "tổng sản lượng lương thực có hạt đạt 1.262,5 tấn",
    "giảm hộ nghèo được 13 hộ", "số vụ phạm tội về trật tự xã hội 02 vụ"."""
    words = phrased(row, value)
    if words:
        return words
    values = {"name": name_of(row), "value": value_words(row, value)}
    if is_ceiling(row):
        return "{name} {value}".format(**values)
    if row.target.kind == Kind.REDUCTION:
        return _("%(name)s reduced by %(value)s") % values
    return _("%(name)s reached %(value)s") % values


def limit_words(row, value):
    """ "không quá 03 vụ": what a ceiling of ``value`` allows."""
    return _("at most %(value)s") % {"value": value_words(row, value)}


def ceiling_sentence(row, stage):
    """A ceiling against its limit, never as a percent: "…, dưới mức khống chế (không quá 03
    vụ)", "…, cao hơn chỉ tiêu (không quá 6%)"; at six months only the year's limit. None
    of a count is "không phát sinh"."""
    actual = row.actual
    values = {"name": name_of(row), "value": value_words(row, actual)}
    if actual == 0:
        if row.target.kind == Kind.RATE:
            text = "{name} {value}".format(**values)
        else:
            text = _("%(name)s: none") % values
    else:
        text = value_phrase(row, actual)
    if row.plan is None:
        return text
    limit = {"limit": limit_words(row, row.plan)}
    if stage.within_year:
        return text + " " + _("(the year's limit: %(limit)s)") % limit
    if actual < row.plan:
        return text + ", " + _("below the limit (%(limit)s)") % limit
    if actual == row.plan:
        return text + ", " + _("at the limit (%(limit)s)") % limit
    return text + ", " + _("above the target (%(limit)s)") % limit


def zero_sentence(row, stage):
    """A target with nothing to show yet, never "đạt 0%": "xây dựng sản phẩm đạt chuẩn OCOP
    chưa có kết quả (kế hoạch 01 sản phẩm)"."""
    text = _("%(name)s has no result yet") % {"name": name_of(row)}
    if row.plan:
        plan = {"plan": value_words(row, row.plan)}
        if stage.within_year:
            text += " " + _("(the year's plan: %(plan)s)") % plan
        else:
            text += " " + _("(plan: %(plan)s)") % plan
    return text


def milestone_sentence(row, stage):
    """A qualitative target as a sentence: achieved, "duy trì vững chắc kết quả …" for one that
    maintains, else the target's own words; not achieved, "chưa đạt chỉ tiêu …" at the year's
    end, "… chưa có kết quả" at six months (no verdict)."""
    name = name_of(row)
    if row.actual:
        kept = re.match(r"duy trì\s+", name, re.IGNORECASE)
        if kept:
            return _("firmly maintained the result of %(rest)s") % {"rest": name[kept.end() :]}
        return name
    if stage.within_year or not row.plan:
        return _("%(name)s has no result yet") % {"name": name}
    return _("the target %(name)s was not achieved") % {"name": name}


def share_words(row, stage):
    """ "bằng 101% kế hoạch"; at six months "bằng 64,54% kế hoạch năm", or below half of it
    "đạt thấp so với kế hoạch năm"."""
    percent = {"percent": display.percent_words(row.percent)}
    if not stage.within_year:
        return _("equal to %(percent)s of plan") % percent
    if row.percent < stage.low_percent:
        return _("low against the year's plan")
    return _("equal to %(percent)s of the year's plan") % percent


def result_sentence(row, stage):
    """One target's result as the report states it, with the mark of an illustrative figure
    after it; None for a target with no figure at ``stage``."""
    actual = row.actual
    if actual is None:
        return None
    if row.target.kind == Kind.MILESTONE:
        text = milestone_sentence(row, stage)
    elif is_ceiling(row):
        text = ceiling_sentence(row, stage)
    elif actual == 0:
        text = zero_sentence(row, stage)
    elif row.percent is None:
        text = value_phrase(row, actual)
    else:
        text = value_phrase(row, actual) + ", " + share_words(row, stage)
    if row.plan is None:
        text += " " + _("(no plan was set)")
    if row.illustrative:
        text += " " + _("(illustrative figure)")
    return text


def area_paragraphs(report):
    """One paragraph an area with any figure: "1- Về kinh tế: …; …."."""
    paragraphs = []
    for area, rows in report.sections:
        sentences = [s for s in (result_sentence(row, report.stage) for row in rows) if s]
        if sentences:
            heading = _("%(number)s- On %(area)s") % {
                "number": area.position,
                "area": lower_first(area.name),
            }
            paragraphs.append(f"{heading}: {'; '.join(sentences)}.")
    return paragraphs


def opening(report):
    """ "Thực hiện Kế hoạch số …, năm 2023, Đảng bộ … đề ra 40 chỉ tiêu chủ yếu …"."""
    year, stage = report.year, report.stage
    values = {
        "year": year.year,
        "committee": year.committee_name,
        "total": small_count(len(report.rows)),
    }
    if not report.rows:
        text = _("In %(year)s, the %(committee)s has set no main targets yet.")
    elif stage.within_year:
        text = stage.opening
    else:
        text = _("In %(year)s, the %(committee)s set %(total)s main targets in every area.")
    text %= values
    if year.plan_document:
        text = _("Carrying out %(document)s: %(rest)s") % {
            "document": year.plan_document,
            "rest": lower_first(text),
        }
    return text


def results(report):
    """Section I: the opening, the counts, then what each area achieved, as values."""
    lines = [opening(report)]
    if report.rows:
        lines.append(f"{upper_first(str(report.summary))}.")
    return "\n".join([*lines, *area_paragraphs(report)])


# --- Section II: what fell short, and why ----------------------------------------------------


def shortfalls(report):
    """The rows section II speaks of: below plan at a full-year stage; at six months, those
    below half of the year's plan."""
    if report.stage.within_year:
        return [
            row
            for row in report.rows
            if not is_ceiling(row)
            and row.percent is not None
            and row.percent < report.stage.low_percent
        ]
    return [row for row in report.rows if row.assessment == Assessment.NOT_MET]


def causes(reason):
    """[(OBJECTIVE or SUBJECTIVE, cause), ...] of a figure's reason, in its order: each part
    labelled "Khách quan:" or "Chủ quan:" under its label, unlabelled words subjective."""
    found = []
    pieces = CAUSE_LABEL.split(reason)
    # split gives the unlabelled start, then (label, text) pairs.
    labelled = zip(pieces[1::2], pieces[2::2], strict=True)
    for label, text in [(SUBJECTIVE, pieces[0]), *labelled]:
        text = " ".join(text.split()).strip(" .;,")
        if text:
            found.append((label.lower(), upper_first(text)))
    return found


def cause_lines(rows):
    """{OBJECTIVE: [...], SUBJECTIVE: [...]}: each distinct cause of ``rows`` once, in order."""
    found = {OBJECTIVE: [], SUBJECTIVE: []}
    for row in rows:
        for label, text in causes(row.reason):
            if text not in found[label]:
                found[label].append(text)
    return found


def limitation_lines(report, rows):
    if report.stage.within_year:
        lead = _("%(count)s targets are low against the year's plan:")
    else:
        lead = _("%(count)s targets fell short of plan:")
    lines = [lead % {"count": small_count(len(rows))}]
    lines += [f"- {upper_first(result_sentence(row, report.stage))}." for row in rows]
    return lines


def causes_section(rows):
    """ "2- Nguyên nhân" with its "a) … khách quan" and "b) … chủ quan", each left out when
    no reason speaks of it; nothing when no reason is given."""
    found = cause_lines(rows)
    headings = {
        OBJECTIVE: _("Objective causes:"),
        SUBJECTIVE: _("Subjective causes:"),
    }
    lines = []
    letters = iter("ab")
    for label in (OBJECTIVE, SUBJECTIVE):
        if found[label]:
            lines.append(f"{next(letters)}) {headings[label]}")
            lines += [f"- {text}." for text in found[label]]
    if not lines:
        return []
    return [_("2- Causes"), *lines]


def shortcomings(report):
    """Section II: "1- Hạn chế, khuyết điểm", the targets that fell short as values, then
    "2- Nguyên nhân" from their reasons."""
    rows = shortfalls(report)
    if not rows:
        if report.stage.within_year:
            return str(report.stage.on_track)
        return _("Every target with a figure met its plan.")
    lines = [_("1- Limitations and shortcomings"), *limitation_lines(report, rows)]
    return "\n".join([*lines, *causes_section(rows)])


# --- Section III: the tasks that follow ------------------------------------------------------

# The verb a task begins with, by kind; "Đẩy mạnh" for the others.
VERBS = {
    Kind.RATE: gettext_lazy("Strengthen"),
    Kind.MILESTONE: gettext_lazy("Concentrate on"),
}


def goal(row, stage):
    """What a task aims at: next year's plan at the year's end, the year's plan at six months
    ("thu ngân sách nhà nước trên địa bàn đạt 4.000 triệu đồng"); the target itself where that
    plan is not set."""
    value = row.plan if stage.within_year else row.next_plan
    name = name_of(row)
    if value is None:
        return _("complete the target %(name)s") % {"name": name}
    if row.target.kind == Kind.MILESTONE:
        return name
    values = {"name": name, "value": value_words(row, value)}
    if is_ceiling(row):
        return f"{name} {limit_words(row, value)}"
    if row.target.kind == Kind.REDUCTION:
        return _("%(name)s reduced by %(value)s") % values
    return _("%(name)s reached %(value)s") % values


def task(row, stage):
    """One task for a target that fell short, from its subjective causes: "Đẩy mạnh các giải
    pháp khắc phục tình trạng …, để thu ngân sách nhà nước trên địa bàn đạt 4.000 triệu
    đồng"."""
    verb = VERBS.get(row.target.kind) or _("Step up")
    remedies = [lower_first(text) for label, text in causes(row.reason) if label == SUBJECTIVE]
    values = {"verb": verb, "goal": goal(row, stage)}
    if remedies:
        values["causes"] = "; ".join(remedies)
        return _("%(verb)s the measures to overcome %(causes)s, so as to %(goal)s") % values
    return _("%(verb)s the measures so as to %(goal)s") % values


def directions(report):
    """Section III: the tasks and solutions, a line each beginning with a verb: the year's
    targets, and in them each target that fell short; at six months, for the last six months
    of the year."""
    year, stage = report.year, report.stage
    rows = shortfalls(report)
    if stage.within_year:
        lead, keep = stage.directions_lead, stage.keep_results
        kept = any(row.actual is not None for row in report.rows)
    else:
        lead = _(
            "Concentrate the leadership and direction on meeting and exceeding the targets "
            "of %(year)s"
        )
        keep = _("Continue to build on the results of the targets met and exceeded in %(year)s.")
        kept = any(row.assessment in (Assessment.EXCEEDED, Assessment.MET) for row in report.rows)
    lead %= {"year": year.year if stage.within_year else year.year + 1}
    if rows:
        lines = [lead + _("; among them:")]
        lines += [f"- {upper_first(task(row, stage))}." for row in rows]
    else:
        lines = [f"{lead}."]
    if kept:
        lines.append(keep % {"year": year.year})
    if report.has_next_plans and not stage.within_year:
        lines.append(
            _("Organise the work on the targets of %(next)s as planned in Annex I.")
            % {"next": year.year + 1}
        )
    return "\n".join(lines)


def draft(report):
    """The three sections drafted from ``report`` (a YearReport), as {field: text}."""
    with translation.override("vi"):
        return {
            "results": results(report),
            "shortcomings": shortcomings(report),
            "directions": directions(report),
        }
