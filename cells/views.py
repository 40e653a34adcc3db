import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.converters import IdConverter
from targets import xlsx
from targets.access import access_to, year_for
from targets.models import Figure, RatingFeed, StaleFigure
from targets.report import Row, latest_stage
from targets.stages import Stage
from targets.views import stage_asked

from .forms import CellYearForm, RatingCountsForm, ShareSheet, TaskForm, TaskProgressForm
from .models import (
    LEVEL_FIELDS,
    PENDING_STATUSES,
    SHARED_KINDS,
    CellYear,
    RatingStep,
    RatingTotals,
    Share,
    ShareTotals,
    Task,
    TaskStatus,
)
from .sheets import task_workbook
from .tables import CellTable, RatingHistoryTable, TaskTable

# Tasks due within this many days are listed first on a cell's page.
DUE_SOON_DAYS = 30


def cell_of(access, number):
    """The cell numbered ``number`` of the committee whose year ``access`` opens, if the user
    may see it (their own, for a cell secretary), else 404."""
    return get_object_or_404(access.committee.cells.for_user(access.user), number=number)


def require_reporter(access, perm):
    """403 unless the user may report for the cell cell_of has let them see: its secretary,
    or ward staff with ``perm`` (targets.access.Access.reports_for_cell)."""
    if not access.reports_for_cell(perm):
        raise PermissionDenied


@require_safe
def overview(request, committee, year):
    access = year_for(request, committee, year)
    if access.is_cell_secretary:
        if access.own_cell is None:
            raise Http404
        return redirect("cells:cell", committee=committee, year=year, number=access.own_cell.number)
    year = access.year
    cells = list(year.committee.cells.filter(is_active=True))
    cell_years = {cy.cell_id: cy for cy in CellYear.objects.filter(year=year)}
    for cell in cells:
        if cell.pk in cell_years:
            cell_years[cell.pk].cell = cell  # what its line says of the cell, with no query
    counts = {}
    for row in Task.objects.filter(year=year).values("cell_id", "status").annotate(n=Count("pk")):
        counts.setdefault(row["cell_id"], {})[row["status"]] = row["n"]
    for cell in cells:
        cell.cell_year = cell_years.get(cell.pk)
        cell.task_counts = [
            (status, label, counts.get(cell.pk, {}).get(status, 0))
            for status, label in TaskStatus.choices
        ]
        cell.url = cell.url_in(year)
    totals = RatingTotals(year, cell_years.values(), len(cells))
    offered = totals.offered_actuals()
    figures = Figure.objects.filter(year=year, target__rating_feed__in=offered).select_related(
        "target", "year__committee"
    )
    # The ratings are the year's own count: they offer the full year's actual (apply_rating).
    rows = [Row(figure, stage=Stage.FINAL) for figure in figures]
    offers = [
        {
            "figure": row.figure,
            "row": row,
            "value": offered[row.target.rating_feed],
            "differs": offered[row.target.rating_feed] != row.actual,
        }
        for row in rows
    ]
    return render(
        request,
        "cells/overview.html",
        {
            "year": year,
            "years": access.years,
            "table": CellTable(cells),
            "totals": totals,
            "offers": offers,
        },
    )


@require_safe
def cell_detail(request, committee, year, number):
    """A cell's year: what is due, its tasks with their latest progress, its shares of the
    ward's targets, its rating's steps. A cell secretary's home."""
    cell = cell_of(year_for(request, committee, year), number)
    access = year_for(request, committee, year)
    year = access.year
    tasks = list(
        Task.objects.filter(cell=cell, year=year).select_related("target__area").with_latest_note()
    )
    figures = list(
        Figure.objects.filter(
            year=year, target_id__in={task.target_id for task in tasks}
        ).select_related("target", "year__committee")
    )
    # Each task's target as far as the year has come: its latest stage with figures.
    stage = latest_stage(figures)
    rows = {figure.target_id: Row(figure, stage=stage) for figure in figures}
    sections = {}
    for task in tasks:
        task.cell, task.year = cell, year  # what the links need, without a query per task
        task.row = rows.get(task.target_id)
        sections.setdefault(task.target.area, []).append(task)
    soon = timezone.localdate() + datetime.timedelta(days=DUE_SOON_DAYS)
    due = sorted(
        (
            task
            for task in tasks
            if task.status in PENDING_STATUSES and task.due_date and task.due_date <= soon
        ),
        key=lambda task: task.due_date,
    )
    shares = list(
        Share.objects.filter(cell=cell, year=year).select_related("figure__target", "figure__year")
    )
    cell_year, steps = stored_rating(cell, year)
    cell.cell_year = cell_year
    return render(
        request,
        "cells/cell.html",
        {
            "cell": cell,
            "year": year,
            "years": access.years,
            "cell_year": cell_year,
            "decided": bool(cell_year and cell_year.decided_at),
            "due": due,
            "sections": [
                (
                    area,
                    TaskTable(
                        rows,
                        exclude=[
                            name
                            for name, shown in (
                                ("edit", access.can_manage_tasks),
                                ("report", access.can_report_progress),
                            )
                            if not shown
                        ],
                    ),
                )
                for area, rows in sections.items()
            ],
            "shares": shares,
            "stages": Stage,
            "steps": [(step, steps.get(step)) for step in RatingStep.Step],
            "history": RatingHistoryTable(
                CellYear.objects.filter(cell=cell)
                .select_related("year", "cell")
                .order_by("-year__year")
            ),
        },
    )


@require_safe
def task_sheet(request, committee, year, number):
    """A cell's tasks of the year as a workbook: the one download a cell secretary has."""
    cell = cell_of(year_for(request, committee, year), number)
    year = year_for(request, committee, year).year
    tasks = Task.objects.filter(cell=cell, year=year).select_related("target")
    response = HttpResponse(
        xlsx.workbook_bytes(task_workbook(cell, year, tasks)), content_type=xlsx.CONTENT_TYPE
    )
    filename = f"nhiem-vu-chi-bo-{cell.number}-{year.year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required("cells.add_task", raise_exception=True)
@require_http_methods(["GET", "POST"])
def task_add(request, committee, year, number):
    cell = cell_of(year_for(request, committee, year), number)
    return _task_form(request, Task(cell=cell, year=year_for(request, committee, year).year))


@permission_required("cells.change_task", raise_exception=True)
@require_http_methods(["GET", "POST"])
def task_edit(request, committee, year, number, pk):
    access = year_for(request, committee, year)
    task = get_object_or_404(
        access.of_year(Task.objects.for_user(request.user).select_related("cell", "year")),
        pk=pk,
        cell__number=number,
    )
    access.found(task.year)
    return _task_form(request, task)


def _task_form(request, task):
    task.year.require_open()
    back = task.cell.url_in(task.year)
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        form.save(commit=False).save(changed_by=request.user)
        messages.success(request, _("Task saved for %(cell)s.") % {"cell": task.cell})
        return redirect(back)
    return render(
        request,
        "cells/task_form.html",
        {"form": form, "task": task, "cell": task.cell, "year": task.year, "back": back},
        status=400 if form.errors else 200,
    )


@permission_required("cells.change_cellyear", raise_exception=True)
@require_http_methods(["GET", "POST"])
def rating_edit(request, committee, year, number):
    """The committee's decision on the cell's rating, with its secretary and members: the
    counts "10/10" and "86%" are derived from. Until decided it starts from the ward's
    proposal."""
    cell = cell_of(year_for(request, committee, year), number)
    year = year_for(request, committee, year).year
    year.require_open()
    back = cell.url_in(year)
    cell_year, steps = rating_of(cell, year)
    proposal = steps.get(RatingStep.Step.PROPOSAL)
    # A year the cell has no record of yet starts from the year before; saved as shown, the
    # secretary and members carried over are confirmed.
    new = cell_year.pk is None
    initial = None
    if not cell_year.decided_at and proposal is not None:
        initial = {name: getattr(proposal, name) for name in RatingCountsForm.Meta.fields}
    form = CellYearForm(request.POST or None, instance=cell_year, initial=initial)
    if request.method == "POST" and form.is_valid():
        # Saving the proposal as it was shown is a decision too.
        from_proposal = initial is not None
        if not (form.has_changed() or from_proposal or new):
            messages.info(request, _("Nothing was changed."))
            return redirect(back)
        decided = form.save(commit=False)
        rated = set(form.changed_data) & {"rating", *LEVEL_FIELDS.values()}
        if decided.rating and (rated or from_proposal):
            decided.decided_by, decided.decided_at = request.user, timezone.now()
        decided.save(changed_by=request.user)
        messages.success(request, _("Rating saved for %(cell)s.") % {"cell": cell})
        return redirect(back)
    return render(
        request,
        "cells/rating_form.html",
        {"form": form, "cell": cell, "year": year, "back": back, "proposal": proposal},
        status=400 if form.errors else 200,
    )


@permission_required("targets.change_figure", raise_exception=True)
@require_POST
def apply_rating(request, committee, year):
    """Write a rating-derived figure ("10/10", "86 %") into its target's actual."""
    year = year_for(request, committee, year).year
    totals = RatingTotals(
        year,
        CellYear.objects.filter(year=year),
        year.committee.cells.filter(is_active=True).count(),
    )
    feed = request.POST.get("feed", "")
    if feed not in RatingFeed.values:
        raise Http404
    figure = get_object_or_404(
        Figure.objects.select_related("target", "year"), year=year, target__rating_feed=feed
    )
    figure.actual = totals.offered_actuals()[feed]
    version = request.POST.get("version", "")
    # Versions start at 1: a version that is not a plain number is one the figure never had.
    expected = int(version) if re.fullmatch(IdConverter.regex, version) else 0
    try:
        figure.save(changed_by=request.user, expected_version=expected)
    except StaleFigure:
        messages.error(request, _("The figure changed meanwhile; check it and try again."))
    else:
        messages.success(
            request, _("Saved: %(target)s, %(year)s.") % {"target": figure.name, "year": year}
        )
    return redirect("cells:overview", committee=committee, year=year.year)


def task_of(request, committee, year, number, pk):
    """The task ``pk`` of cell ``number`` in ``year``, if the user may see that cell."""
    cell = cell_of(year_for(request, committee, year), number)
    access = year_for(request, committee, year)
    task = get_object_or_404(
        access.of_year(Task.objects.select_related("cell", "year", "target")), pk=pk, cell=cell
    )
    access.found(task.year)
    return task


@require_http_methods(["GET", "POST"])
def task_progress(request, committee, year, number, pk):
    """The cell's secretary (or the office) reports how a task goes: its status and a dated
    note; the task's notes so far are listed under the form."""
    task = task_of(request, committee, year, number, pk)
    require_reporter(year_for(request, committee, year), "cells.add_tasknote")
    task.year.require_open()
    back = task.cell.url_in(task.year)
    form = TaskProgressForm(request.POST or None, task=task)
    if request.method == "POST" and form.is_valid():
        form.save(by=request.user)
        messages.success(request, _("Progress saved: %(task)s") % {"task": task.description[:60]})
        return redirect(back)
    return render(
        request,
        "cells/task_progress.html",
        {
            "form": form,
            "task": task,
            "cell": task.cell,
            "year": task.year,
            "back": back,
            "notes": task.notes.select_related("written_by"),
        },
        status=400 if form.errors else 200,
    )


@permission_required("cells.delete_task", raise_exception=True)
@require_POST
def task_delete(request, committee, year, number, pk):
    """Remove a task assigned by mistake; one with progress notes is kept (its history)."""
    task = task_of(request, committee, year, number, pk)
    task.year.require_open()
    if task.notes.exists():
        messages.error(
            request,
            _(
                "This task has progress notes and is kept with them; mark it “Không hoàn "
                "thành” instead if it no longer applies."
            ),
        )
    else:
        task.delete(changed_by=request.user)
        messages.success(request, _("Task removed: %(task)s") % {"task": task.description[:60]})
    return redirect(task.cell.url_in(task.year))


def post_data(request):
    return request.POST if request.method == "POST" else None


def save_sheet(request, sheet, year, message=None):
    """Save a posted ShareSheet and say so: (True, 302) when every changed row is saved, else
    (False, the status of the page shown again: 400 for a value refused, 409 for a row someone
    else changed meanwhile); (False, 200) for a page only shown."""
    if not sheet.is_bound:
        return False, 200
    year.require_open()
    if not sheet.is_valid():
        return False, 400
    saved = sheet.save(by=request.user)
    if sheet.conflicts:
        return False, 409
    if not saved:
        messages.info(request, _("Nothing was changed."))
    else:
        messages.success(
            request,
            message
            or ngettext("Saved %(count)d figure.", "Saved %(count)d figures.", saved)
            % {"count": saved},
        )
    return True, 302


def share_rows(shares, cell=None):
    """The rows of a ShareSheet: one a share, labelled by its target (or its cell)."""
    return [
        (f"s{share.cell.number}-{share.figure.target_id}", share, label(share, cell))
        for share in shares
    ]


def label(share, cell):
    if cell is None:
        return share.cell.name
    return f"{share.figure.target.position}. {share.figure.name}"


@require_http_methods(["GET", "POST"])
def cell_shares(request, committee, year, number):
    """A cell's shares of the ward's targets at a stage: the cell's secretary (or the office)
    enters what the cell reached; each row is saved with its own version check."""
    cell = cell_of(year_for(request, committee, year), number)
    access = year_for(request, committee, year)
    year = access.year
    require_reporter(access, "cells.change_share")
    shares = list(
        Share.objects.filter(cell=cell, year=year).select_related(
            "figure__target", "figure__year", "cell"
        )
    )
    stage = stage_asked(request) or latest_stage([share.figure for share in shares])
    sheet = ShareSheet(share_rows(shares, cell), stage.field, post_data(request))
    done, status = save_sheet(request, sheet, year)
    if done:
        return redirect(f"{request.path}?stage={stage}")
    return render(
        request,
        "cells/shares.html",
        {
            "cell": cell,
            "year": year,
            "stage": stage,
            "stages": Stage,
            "report": {"stage": stage},
            "sheet": sheet,
        },
        status=status,
    )


def shared_figure(access, slug):
    """The ward figure of ``slug`` in the access's year whose plan may be split among the
    cells; its year, joined, is the access's."""
    figure = get_object_or_404(
        access.of_year(Figure.objects.select_related("target", "year")),
        target__slug=slug,
        target__kind__in=SHARED_KINDS,
    )
    access.found(figure.year)
    return figure


@permission_required("cells.add_share", raise_exception=True)
@require_http_methods(["GET", "POST"])
def share_split(request, committee, year, slug):
    """The office splits a target's plan of the year among the active cells."""
    figure = shared_figure(year_for(request, committee, year), slug)
    shares = {share.cell_id: share for share in figure.shares.select_related("cell")}
    rows = []
    for cell in figure.year.committee.cells.filter(is_active=True):
        share = shares.get(cell.pk) or Share(cell=cell, figure=figure, year=figure.year)
        share.cell, share.figure = cell, figure
        rows.append(share)
    sheet = ShareSheet(share_rows(rows), "plan", post_data(request))
    message = _("The plan of %(target)s is split among the cells.") % {"target": figure.name}
    done, status = save_sheet(request, sheet, figure.year, message)
    if done:
        return redirect(figure.get_absolute_url())
    totals = ShareTotals(figure, [share for share in rows if share.pk])
    return render(
        request,
        "cells/share_split.html",
        {
            "figure": figure,
            "row": Row(figure),
            "year": figure.year,
            "sheet": sheet,
            "totals": totals,
        },
        status=status,
    )


@permission_required("targets.change_figure", raise_exception=True)
@require_POST
def adopt_sum(request, committee, year, slug):
    """The office takes the cells' sum at a stage as the ward's figure (in its history)."""
    figure = shared_figure(year_for(request, committee, year), slug)
    posted = request.POST.get("stage") or Stage.FINAL
    stage = stage_asked(request) or (Stage(posted) if posted in Stage.values else None)
    if stage is None:
        messages.error(
            request,
            _("There is no such stage: choose one of %(stages)s.")
            % {"stages": ", ".join(str(stage.label) for stage in Stage)},
        )
        return redirect(figure.get_absolute_url())
    totals = ShareTotals(figure, figure.shares.all())
    if totals.sum_at(stage) is None:
        messages.error(request, _("No cell has reported this figure yet."))
        return redirect(figure.get_absolute_url())
    version = request.POST.get("version", "")
    expected = int(version) if re.fullmatch(IdConverter.regex, version) else 0
    try:
        totals.adopt(stage, request.user, expected)
    except StaleFigure:
        messages.error(request, _("The figure changed meanwhile; check it and try again."))
    else:
        messages.success(
            request, _("Saved: %(target)s, %(year)s.") % {"target": figure.name, "year": year}
        )
    return redirect(figure.get_absolute_url())


def shares_panel(request, figure):
    """The cells' shares of a ward figure on the target's page: the sum at each stage, how many
    cells have reported, each cell's line. For the ward's staff only: a cell never sees
    another's."""
    access = access_to(request.user, figure.year)
    if figure.target.kind not in SHARED_KINDS or not access.sees_shares:
        return None
    shares = list(figure.shares.select_related("cell", "updated_by").order_by("cell__number"))
    return (
        "cells/partials/shares_panel.html",
        {
            "figure": figure,
            "shares": shares,
            "totals": ShareTotals(figure, shares),
            "stages": Stage,
            "can_split": access.can_split,
            "can_adopt": access.can_enter,
        },
    )


def stored_rating(cell, year):
    """(the cell's year with who decided its rating, or None while it has no record of the
    year; its rating's steps by step, with who took them)."""
    cell_year = (
        CellYear.objects.filter(cell=cell, year=year)
        .select_related("decided_by")
        .prefetch_related(Prefetch("steps", queryset=RatingStep.objects.select_related("by")))
        .first()
    )
    if cell_year is None:
        return None, {}
    cell_year.cell = cell
    return cell_year, {step.step: step for step in cell_year.steps.all()}


def rating_of(cell, year):
    """(the cell's year, its rating's steps by step) for a form to start from: while the cell
    has no record of the year (a cell added since the year was set up), a new one, unsaved,
    with the secretary and members of its year before; the form's save creates it."""
    cell_year, steps = stored_rating(cell, year)
    if cell_year is None:
        cell_year = year.committee.cells.with_facts_before(year).get(pk=cell.pk).new_year(year)
        cell_year.cell = cell
    return cell_year, steps


@require_http_methods(["GET", "POST"])
def rating_self(request, committee, year, number):
    """The cell's self-assessment: its level and its members' counts per level."""
    cell = cell_of(year_for(request, committee, year), number)
    access = year_for(request, committee, year)
    require_reporter(access, "cells.add_ratingstep")
    return rating_step(request, cell, access.year, RatingStep.Step.SELF)


@permission_required("cells.change_cellyear", raise_exception=True)
@require_http_methods(["GET", "POST"])
def rating_proposal(request, committee, year, number):
    """The ward's proposal, beside the cell's self-assessment and the cap on "xuất sắc"
    across the ward's proposals."""
    cell = cell_of(year_for(request, committee, year), number)
    return rating_step(
        request, cell, year_for(request, committee, year).year, RatingStep.Step.PROPOSAL
    )


def rating_step(request, cell, year, step):
    year.require_open()
    cell_year, steps = rating_of(cell, year)
    back = cell.url_in(year)
    if cell_year.decided_at:
        messages.info(request, _("The committee has decided this rating: its steps are kept."))
        return redirect(back)
    current = steps.get(step)
    starting = steps.get(RatingStep.Step.SELF) if step == RatingStep.Step.PROPOSAL else None
    instance = current or RatingStep(cell_year=cell_year, step=step)
    initial = None
    if current is None and starting is not None:  # the proposal starts from the cell's own
        initial = {name: getattr(starting, name) for name in RatingCountsForm.Meta.fields}
    form = RatingCountsForm(
        request.POST or None, instance=instance, initial=initial, members=cell_year.members
    )
    if request.method == "POST" and form.is_valid():
        if cell_year.pk is None:
            cell_year.save(changed_by=request.user)
        saved = form.save(commit=False)
        saved.cell_year, saved.by, saved.at = cell_year, request.user, timezone.now()
        saved.save(changed_by=request.user)
        messages.success(
            request,
            _("%(step)s saved for %(cell)s.") % {"step": saved.get_step_display(), "cell": cell},
        )
        return redirect(back)
    proposals = None
    if step == RatingStep.Step.PROPOSAL:
        proposals = RatingTotals(
            year,
            RatingStep.objects.filter(year=year, step=RatingStep.Step.PROPOSAL),
            year.committee.cells.filter(is_active=True).count(),
        )
    return render(
        request,
        "cells/rating_step.html",
        {
            "form": form,
            "cell": cell,
            "year": year,
            "back": back,
            "step": step,
            "self_assessment": starting,
            "proposals": proposals,
        },
        status=400 if form.errors else 200,
    )


@require_safe
def digest(request, committee, year, number):
    """One A4 page of the cell's year for its monthly meeting: tasks and their latest progress,
    shares and what was reported, the rating's steps."""
    cell = cell_of(year_for(request, committee, year), number)
    year = year_for(request, committee, year).year
    tasks = (
        Task.objects.filter(cell=cell, year=year)
        .select_related("target")
        .with_latest_note()
        .order_by("due_date", "pk")
    )
    shares = Share.objects.filter(cell=cell, year=year).select_related(
        "figure__target", "figure__year"
    )
    cell_year, steps = stored_rating(cell, year)
    return render(
        request,
        "cells/digest.html",
        {
            "cell": cell,
            "year": year,
            "cell_year": cell_year,
            "tasks": tasks,
            "shares": shares,
            "stages": Stage,
            "steps": steps,
            "printed": timezone.localdate(),
        },
    )
