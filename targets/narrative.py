"""The words of a report drafted from its figures, for the office to edit: section I states
what was achieved ("thành lập mới 3/2 tổ hợp tác, đạt 150% kế hoạch"), section II what fell
short and why (each figure's reason), section III the direction for what follows.

The draft is plain text, one paragraph a line, in Vietnamese whoever asks: it becomes the
report's text once the office saves it (targets.models.ReportText).
"""

from django.utils import translation
from django.utils.translation import gettext as _

from . import display
from .progress import Assessment, Kind, Stage


def lower_first(text):
    """ "Tổng sản lượng …" → "tổng sản lượng …", leaving "BHYT", "OCOP" and the like alone."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def upper_first(text):
    return text[:1].upper() + text[1:]


def with_unit(amount, unit):
    """ "3 tổ", "95,77%": a percent sign follows the number with no space."""
    if not unit:
        return amount
    return f"{amount}{unit}" if unit == "%" else f"{amount} {unit}"


def figures_phrase(row, stage):
    """What a target reached: "thành lập mới 3/2 tổ hợp tác" from its phrase in the report,
    else its name and the figures: "tỷ lệ hộ dân sử dụng nước sạch 98,5/98,5%"."""
    target = row.target
    actual, plan = row.figure.actual_at(stage), row.plan
    if target.kind == Kind.MILESTONE:
        return f"{lower_first(row.name)}: {display.amount_text(target.kind, actual).lower()}"
    actual_text = display.amount_text(target.kind, actual)
    plan_text = display.amount_text(target.kind, plan)
    if target.report_phrase:
        try:
            return target.report_phrase.format(actual=actual_text, plan=plan_text, unit=row.unit)
        except (KeyError, IndexError, ValueError):  # a phrase stored past its validator
            pass
    if plan is None:
        return with_unit(f"{lower_first(row.name)} {actual_text}", row.unit)
    return with_unit(f"{lower_first(row.name)} {actual_text}/{plan_text}", row.unit)


def sentence(row, stage):
    """One target's result as a report states it: "giảm 13/10 hộ nghèo, đạt 130% kế hoạch"."""
    text = figures_phrase(row, stage)
    if row.assessment == Assessment.NO_PLAN:
        text += " " + _("(no plan was set)")
    elif row.percent is not None:
        if stage == Stage.HALF:
            wording = _("%(percent)s of the year's plan")
        else:
            wording = _("%(percent)s of plan")
        text += ", " + wording % {"percent": display.percent_words(row.percent)}
    if row.illustrative:
        text += " " + _("(illustrative figure)")
    return text


def area_paragraphs(rows_by_area, stage):
    """One paragraph an area: "I. Kinh tế: …; …." for the areas with any row."""
    paragraphs = []
    for area, rows in rows_by_area:
        if rows:
            sentences = "; ".join(sentence(row, stage) for row in rows)
            paragraphs.append(f"{area.position}. {area.name}: {sentences}.")
    return paragraphs


def results(report):
    """Section I: the summary, then what each area achieved (every target with a figure at six
    months; at the year's end those that met or exceeded plan, and those with no plan)."""
    year, stage = report.year, report.stage
    achieved = {Assessment.EXCEEDED, Assessment.MET, Assessment.REACHED}
    shown = [
        (area, [row for row in rows if row.assessment in achieved or has_unplanned_figure(row)])
        for area, rows in report.sections
    ]
    if stage == Stage.HALF:
        opening = _(
            "In the first six months of %(year)s, the %(committee)s led the work on the "
            "%(total)s main targets of the year."
        )
    else:
        opening = _("In %(year)s, the %(committee)s set %(total)s main targets in every area.")
    opening %= {"year": year.year, "committee": year.committee_name, "total": len(report.rows)}
    if year.plan_document:
        opening = _("Carrying out %(document)s: %(rest)s") % {
            "document": year.plan_document,
            "rest": lower_first(opening),
        }
    summary = f"{report.summary}."
    return "\n".join([opening, upper_first(summary), *area_paragraphs(shown, stage)])


def has_unplanned_figure(row):
    return row.assessment == Assessment.NO_PLAN and row.actual is not None


def shortfalls(report):
    """The rows section II speaks of: below plan at a full-year stage; at six months, those the
    office has given a reason for."""
    if report.stage == Stage.HALF:
        return [row for row in report.rows if row.reason.strip()]
    return [row for row in report.rows if row.assessment == Assessment.NOT_MET]


def shortcomings(report):
    """Section II: each target that fell short, its figures and its reason."""
    rows = shortfalls(report)
    if not rows:
        return _("Every target with a figure met its plan.")
    lines = [_("%(count)s targets fell short of plan:") % {"count": len(rows)}]
    for row in rows:
        line = f"- {upper_first(sentence(row, report.stage))}."
        reason = " ".join(row.reason.split())
        if reason:
            line += " " + _("Cause: %(reason)s") % {"reason": reason}
        else:
            line += " " + _("Cause: (to be written).")
        lines.append(line)
    return "\n".join(lines)


def directions(report):
    """Section III: the targets to concentrate on next, and next year's plans once set."""
    year = report.year
    if report.stage == Stage.HALF:
        opening = _(
            "In the last six months of %(year)s, concentrate on the targets below "
            "half of their plan, and on every target's plan for the whole year."
        )
        behind = [row for row in report.rows if row.percent is not None and row.percent < 50]
    else:
        opening = _("In %(next)s, carry on with the main targets and overcome those not met.")
        behind = shortfalls(report)
    lines = [opening % {"year": year.year, "next": year.year + 1}]
    if behind:
        names = "; ".join(lower_first(row.name) for row in behind)
        lines.append(_("Concentrate on: %(names)s.") % {"names": names})
    if report.has_next_plans and report.stage != Stage.HALF:
        lines.append(_("The plans for %(next)s are in Annex I.") % {"next": year.year + 1})
    return "\n".join(lines)


def draft(report):
    """The three sections drafted from ``report`` (a YearReport), as {field: text}."""
    with translation.override("vi"):
        return {
            "results": results(report),
            "shortcomings": shortcomings(report),
            "directions": directions(report),
        }
