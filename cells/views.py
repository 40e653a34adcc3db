import re

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cauthia.converters import IdConverter
from targets import xlsx
from targets.models import Figure, RatingFeed, StaleFigure, Year
from targets.report import Row

from .forms import CellYearForm, TaskForm
from .models import Cell, CellYear, RatingTotals, Task, TaskStatus
from .sheets import task_workbook
from .tables import CellTable, RatingHistoryTable, TaskTable


def cell_of(request, number):
    """The cell numbered ``number`` if the user may see it (their own, for a cell secretary),
    else 404."""
    return get_object_or_404(Cell.objects.for_user(request.user), number=number)


@require_safe
def overview(request, year):
    if not request.user.has_perm("cells.view_cell"):
        own = Cell.objects.for_user(request.user).first()
        if own is None:
            raise Http404
        return redirect("cells:cell", year=year, number=own.number)
    year = get_object_or_404(Year, year=year)
    cells = list(Cell.objects.filter(is_active=True))
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
        "target", "year"
    )
    offers = [
        {
            "figure": figure,
            "value": offered[figure.target.rating_feed],
            "differs": offered[figure.target.rating_feed] != figure.actual,
        }
        for figure in figures
    ]
    return render(
        request,
        "cells/overview.html",
        {
            "year": year,
            "years": Year.objects.all(),
            "table": CellTable(cells),
            "totals": totals,
            "offers": offers,
            "can_apply": request.user.has_perm("targets.change_figure") and not year.is_closed,
        },
    )


@require_safe
def cell_detail(request, year, number):
    cell = cell_of(request, number)
    year = get_object_or_404(Year, year=year)
    tasks = list(Task.objects.filter(cell=cell, year=year).select_related("target__area"))
    rows = {
        figure.target_id: Row(figure)
        for figure in Figure.objects.filter(
            year=year, target_id__in={task.target_id for task in tasks}
        ).select_related("target", "year")
    }
    sections = {}
    for task in tasks:
        task.cell, task.year = cell, year  # what the edit link needs, without a query per task
        task.row = rows.get(task.target_id)
        sections.setdefault(task.target.area, []).append(task)
    cell.cell_year = cell_year = CellYear.objects.filter(cell=cell, year=year).first()
    if cell_year is not None:
        cell_year.cell = cell
    can_edit = request.user.has_perm("cells.change_task") and not year.is_closed
    return render(
        request,
        "cells/cell.html",
        {
            "cell": cell,
            "year": year,
            "years": Year.objects.all(),
            "cell_year": cell_year,
            "sections": [
                (area, TaskTable(rows, exclude=() if can_edit else ("edit",)))
                for area, rows in sections.items()
            ],
            "history": RatingHistoryTable(
                CellYear.objects.filter(cell=cell)
                .select_related("year", "cell")
                .order_by("-year__year")
            ),
            "can_edit": can_edit,
            "can_rate": request.user.has_perm("cells.change_cellyear") and not year.is_closed,
        },
    )


@require_safe
def task_sheet(request, year, number):
    """A cell's tasks of the year as a workbook: the one download a cell secretary has."""
    cell = cell_of(request, number)
    year = get_object_or_404(Year, year=year)
    tasks = Task.objects.filter(cell=cell, year=year).select_related("target")
    response = HttpResponse(
        xlsx.workbook_bytes(task_workbook(cell, year, tasks)), content_type=xlsx.CONTENT_TYPE
    )
    filename = f"nhiem-vu-chi-bo-{cell.number}-{year.year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required("cells.add_task", raise_exception=True)
@require_http_methods(["GET", "POST"])
def task_add(request, year, number):
    cell = cell_of(request, number)
    return _task_form(request, Task(cell=cell, year=get_object_or_404(Year, year=year)))


@permission_required("cells.change_task", raise_exception=True)
@require_http_methods(["GET", "POST"])
def task_edit(request, year, number, pk):
    task = get_object_or_404(
        Task.objects.for_user(request.user).select_related("cell", "year"),
        pk=pk,
        cell__number=number,
        year__year=year,
    )
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
def rating_edit(request, year, number):
    cell = cell_of(request, number)
    year = get_object_or_404(Year, year=year)
    year.require_open()
    back = cell.url_in(year)
    cell_year = CellYear.objects.filter(cell=cell, year=year).first() or CellYear(
        cell=cell, year=year
    )
    form = CellYearForm(request.POST or None, instance=cell_year)
    if request.method == "POST" and form.is_valid():
        form.save(commit=False).save(changed_by=request.user)
        messages.success(request, _("Rating saved for %(cell)s.") % {"cell": cell})
        return redirect(back)
    return render(
        request,
        "cells/rating_form.html",
        {"form": form, "cell": cell, "year": year, "back": back},
        status=400 if form.errors else 200,
    )


@permission_required("targets.change_figure", raise_exception=True)
@require_POST
def apply_rating(request, year):
    """Write a rating-derived figure ("10/10", "86 %") into its target's actual."""
    year = get_object_or_404(Year, year=year)
    totals = RatingTotals(
        year, CellYear.objects.filter(year=year), Cell.objects.filter(is_active=True).count()
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
    return redirect("cells:overview", year=year.year)
