from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_tables2 import RequestConfig

from . import charts
from .forms import FigureForm, FigureGrid
from .models import Area, Figure, StaleFigure, Year, YearClosed
from .progress import Assessment, Summary
from .report import XLSX_CONTENT_TYPE, YearReport, build_workbook, workbook_bytes
from .tables import FigureTable, HistoryTable, YearsTable


@login_not_required
@require_safe
def health(request):
    """A plain answer for load balancers and the load benchmark: the app is up."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def latest_year(request):
    """The home page: the latest open year's dashboard, or the latest year when all are closed."""
    year = Year.objects.current()
    if year is None:
        raise Http404(_("No planning year has been set up yet."))
    return redirect("targets:dashboard", year=year.year)


@require_safe
def dashboard(request, year):
    year = get_object_or_404(Year, year=year)
    report = YearReport.for_year(year)
    figures = report.figures
    areas = list(Area.objects.all())

    area_filter = request.GET.get("area", "")
    assessment_filter = request.GET.get("assessment", "")
    shown = [
        figure
        for figure in figures
        if (not area_filter or str(figure.target.area.position) == area_filter)
        and (not assessment_filter or figure.assessment == assessment_filter)
    ]
    can_edit = request.user.has_perm("targets.change_figure") and not year.is_closed
    exclude = () if can_edit else ("edit",)
    table = FigureTable(shown, exclude=exclude)
    RequestConfig(request, paginate=False).configure(table)
    table.keep_areas_together()
    return render(
        request,
        "targets/dashboard.html",
        {
            "year": year,
            "years": Year.objects.all(),
            "summary": report.summary,
            "events": year.events.select_related("by")[:5],
            "table": table,
            "areas": areas,
            "assessments": Assessment.choices,
            "area_filter": area_filter,
            "assessment_filter": assessment_filter,
            "shown_count": len(shown),
            "has_illustrative": any(figure.illustrative for figure in shown),
        },
    )


def _figure(year, slug):
    return get_object_or_404(
        Figure.objects.select_related("target__area", "year", "updated_by"),
        year__year=year,
        target__slug=slug,
    )


@require_safe
def target(request, year, slug):
    figure = _figure(year, slug)
    all_years = list(
        Figure.objects.filter(target=figure.target)
        .select_related("target", "year")
        .order_by("year__year")
    )
    history = figure.changes.select_related("changed_by", "figure__target")
    return render(
        request,
        "targets/target.html",
        {
            "figure": figure,
            "year": figure.year,
            "years_table": YearsTable(all_years),
            "chart": charts.plan_and_actual(all_years),
            "history_table": HistoryTable(history),
            "can_edit": request.user.has_perm("targets.change_figure")
            and not figure.year.is_closed,
        },
    )


def _next_url(request, figure):
    url = request.POST.get("next") or request.GET.get("next")
    # A path on this site, as the pages send it: redirect() would look up "abc" as a view name.
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())
    ):
        return url
    return figure.get_absolute_url()


@login_required
@permission_required("targets.change_figure", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_figure(request, year, slug):
    figure = _figure(year, slug)
    next_url = _next_url(request, figure)
    if figure.year.is_closed:
        messages.error(request, figure.year.closed_message)
        return redirect(next_url)
    status = 200
    if request.method == "POST":
        form = FigureForm(request.POST, figure=figure)
        if form.is_valid():
            try:
                changed = form.apply(request.user)
            except StaleFigure as stale:
                form = form.after_conflict(stale.current)
                status = 409
            except YearClosed:
                messages.error(request, figure.year.closed_message)
                return redirect(next_url)
            else:
                if changed:
                    messages.success(
                        request,
                        _("Saved: %(target)s, %(year)s.")
                        % {"target": figure.name, "year": figure.year.year},
                    )
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect(next_url)
        else:
            status = 400
    else:
        form = FigureForm(figure=figure)
    return render(
        request,
        "targets/edit_figure.html",
        {
            "figure": figure,
            "year": figure.year,
            "form": form,
            "conflict": form.conflict,
            "next": next_url,
        },
        status=status,
    )


@permission_required("targets.change_figure", raise_exception=True)
@require_http_methods(["GET", "POST"])
def year_grid(request, year):
    """Every target of the year on one page: plan, actual and note of each, saved at once."""
    year = get_object_or_404(Year, year=year)
    report = YearReport.for_year(year)
    if request.method == "POST" and year.is_closed:
        messages.error(request, year.closed_message)
        return redirect("targets:grid", year=year.year)
    grid = FigureGrid(report.figures, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            saved = grid.save(request.user)
        except YearClosed:
            messages.error(request, year.closed_message)
            return redirect("targets:grid", year=year.year)
        if grid.complete:
            if saved:
                messages.success(
                    request,
                    ngettext("Saved %(count)d target.", "Saved %(count)d targets.", saved)
                    % {"count": saved},
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("targets:grid", year=year.year)
        status = 409 if grid.conflicts else 400
    return render(
        request,
        "targets/grid.html",
        {
            "year": year,
            "years": Year.objects.all(),
            "grid": grid,
            "sections": _grid_sections(grid),
            "summary": Summary(form.figure.assessment for form in grid.rows),
        },
        status=status,
    )


def _grid_sections(grid):
    """The grid's rows under their areas, in report order."""
    sections = {}
    for form in grid.rows:
        sections.setdefault(form.figure.target.area, []).append(form)
    return list(sections.items())


@permission_required("targets.export_report", raise_exception=True)
@require_safe
def report_workbook(request, year):
    """The year-end report as an .xlsx download, built from the same rows as the page."""
    report = YearReport.for_year(get_object_or_404(Year, year=year))
    response = HttpResponse(workbook_bytes(build_workbook(report)), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response


@permission_required("targets.export_report", raise_exception=True)
@require_safe
def report_print(request, year):
    """The year-end report as a page that prints cleanly on A4."""
    report = YearReport.for_year(get_object_or_404(Year, year=year))
    with translation.override("vi"):  # the report is filed in Vietnamese
        words = report.words()
    return render(request, "targets/report.html", {"report": report, "year": report.year, **words})


@permission_required("targets.close_year", raise_exception=True)
@require_POST
def close_year(request, year):
    year = get_object_or_404(Year, year=year)
    if year.close(by=request.user):
        messages.success(request, _("The year %(year)s is closed.") % {"year": year.year})
    return redirect("targets:dashboard", year=year.year)


@permission_required("targets.close_year", raise_exception=True)
@require_POST
def reopen_year(request, year):
    year = get_object_or_404(Year, year=year)
    try:
        reopened = year.reopen(by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, error.message)
    else:
        if reopened:
            messages.success(request, _("The year %(year)s is open again.") % {"year": year.year})
    return redirect("targets:dashboard", year=year.year)
