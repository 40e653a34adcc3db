"""The roll-up pages of a superior committee: its communes target by target, the communes
behind each count, and who has reported which stage. Read-only: nothing here writes."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from core.replica import replica_reads
from targets.progress import Assessment
from targets.stages import Stage

from . import charts, counting
from .access import readable_committee, rollup_for
from .counting import STATE_LABELS, STATES, completeness, rollup, shared_targets, verdicts, years_of

# The communes a page lists at most: the national roll-up of a target lists thousands.
PER_PAGE = 100
# The columns the roll-up sorts by (?sort=…, "-" first for the largest first), besides the
# count under each verdict (?sort=not_met).
SORTS = {"number": lambda r: r.target.position, "tracking": lambda r: r.tracking}


@require_safe
@replica_reads
def latest(request, committee):
    """/<committee>/rollup/: the roll-up of the latest year its communes keep."""
    committee = readable_committee(request, committee)
    years = years_of(committee)
    if not years:
        raise Http404
    return redirect("rollup:rollup", committee=committee.slug, year=years[0])


def page_context(door, **more):
    return {
        "committee": door.committee,
        "number": door.year,
        "years": door.years,
        "stage": door.stage,
        "stages": Stage,
        "verdicts": verdicts(door.stage),
        **more,
    }


def shown_targets(request, rollups, stage):
    """The targets the filters keep (?area=, ?verdict=: at least one commune under it), in the
    order ?sort= asks for."""
    area = request.GET.get("area", "")
    verdict = request.GET.get("verdict", "")
    shown = [
        r
        for r in rollups
        if (not area or str(r.target.area.position) == area)
        and (verdict not in verdicts(stage) or r.counts[verdict])
    ]
    sort = request.GET.get("sort", "")
    key = sort.removeprefix("-")
    if key in SORTS:
        shown.sort(key=SORTS[key], reverse=sort.startswith("-"))
    elif key in verdicts(stage):
        shown.sort(key=lambda r: r.counts[key], reverse=sort.startswith("-"))
    return shown


@require_safe
@replica_reads
def rollup_page(request, committee, year):
    """How many communes exceeded, met, fell short of, have no figure for or no plan of each
    shared target, with the figures compared across them."""
    door = rollup_for(request, committee, year)
    rollups = rollup(door.committee, door.year, door.stage)
    reported, communes = counting.reported(door.committee, door.year, door.stage)
    areas = {r.target.area.position: r.target.area for r in rollups}
    return render(
        request,
        "rollup/rollup.html",
        page_context(
            door,
            rollups=shown_targets(request, rollups, door.stage),
            areas=sorted(areas.values(), key=lambda area: area.position),
            area_filter=request.GET.get("area", ""),
            verdict_filter=request.GET.get("verdict", ""),
            sort=request.GET.get("sort", ""),
            reported=reported,
            communes=communes,
            has_illustrative=any(r.illustrative for r in rollups),
        ),
    )


@require_safe
@replica_reads
def target_page(request, committee, year, target):
    """The communes behind a shared target's counts (?verdict= one count's), each with its
    figure and a link to its dashboard, and the spread of their percents of plan."""
    door = rollup_for(request, committee, year)
    shared = [t for t in shared_targets(door.committee) if t.slug == target]
    if not shared:
        raise Http404
    (found,) = rollup(door.committee, door.year, door.stage, targets=shared, dated=True)
    verdict = request.GET.get("verdict", "")
    entries = [
        e for e in found.entries if verdict not in verdicts(door.stage) or e.assessment == verdict
    ]
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "rollup/target.html",
        page_context(
            door,
            found=found,
            page=page,
            verdict_filter=verdict if verdict in verdicts(door.stage) else "",
            verdict_label=Assessment(verdict).label if verdict in verdicts(door.stage) else "",
            histogram=charts.percent_histogram(found.entries, door.stage),
            links={
                entry.commune.pk: dashboard_url(entry.commune, door) for entry in page.object_list
            },
            has_illustrative=any(entry.illustrative for entry in page.object_list),
        ),
    )


def dashboard_url(commune, door):
    return (
        reverse("targets:dashboard", args=[commune.slug, door.year])
        + "?"
        + urlencode({"stage": door.stage.value})
    )


@require_safe
@replica_reads
def completeness_page(request, committee, year):
    """Which communes have reported which stage of the year, and when a figure of theirs last
    changed (?state= one state of the stage's)."""
    door = rollup_for(request, committee, year)
    reports = completeness(door.committee, door.year)
    state = request.GET.get("state", "")
    shown = [r for r in reports if state not in STATES or r.state(door.stage) == state]
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    counts = {
        stage: sum(report.state(stage) == "complete" for report in reports) for stage in Stage
    }
    return render(
        request,
        "rollup/completeness.html",
        page_context(
            door,
            page=page,
            counts=counts,
            communes=len(reports),
            state_filter=state if state in STATES else "",
            state_labels=STATE_LABELS.items(),
            links={r.commune.pk: dashboard_url(r.commune, door) for r in page.object_list},
        ),
    )
