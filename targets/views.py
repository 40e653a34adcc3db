from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import charts, wording, xlsx
from .forms import FigureForm, FigureGrid
from .models import Area, Figure, StaleFigure, Year
from .progress import Assessment
from .report import Row, YearReport
from .tables import FigureTable, HistoryTable, YearsTable


@login_not_required
@require_safe
def health(request):
    """A plain answer for load balancers and the load benchmark: the app is up."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def home(request):
    """The latest open year's dashboard, or the latest year's when all are closed."""
    year = Year.objects.current()
    if year is None:
        raise Http404(_("No planning year has been set up yet."))
    return redirect("targets:dashboard", year=year.year)


@require_safe
def dashboard(request, year):
    year = get_object_or_404(Year, year=year)
    report = YearReport.for_year(year)
    area_filter = request.GET.get("area", "")
    assessment_filter = request.GET.get("assessment", "")
    shown = [
        row
        for row in report.rows
        if (not area_filter or str(row.area.position) == area_filter)
        and (not assessment_filter or row.assessment == assessment_filter)
    ]
    can_edit = request.user.has_perm("targets.change_figure") and not year.is_closed
    table = FigureTable(shown, exclude=() if can_edit else ("edit",), request=request)
    sort = request.GET.get("sort", "")
    if sort.removeprefix("-") in table.declared and table.columns[sort.removeprefix("-")].orderable:
        table.order_by = sort
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
            "areas": Area.objects.all(),
            "assessments": Assessment.choices,
            "area_filter": area_filter,
            "assessment_filter": assessment_filter,
            "shown_count": len(shown),
            "has_illustrative": any(row.illustrative for row in shown),
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
    all_years = [
        Row(other)
        for other in Figure.objects.filter(target=figure.target)
        .select_related("target", "year")
        .order_by("year__year")
    ]
    history = figure.changes.select_related("changed_by", "figure__target")
    return render(
        request,
        "targets/target.html",
        {
            "figure": figure,
            "row": Row(figure),
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


@permission_required("targets.change_figure", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_figure(request, year, slug):
    figure = _figure(year, slug)
    figure.year.require_open()
    next_url = _next_url(request, figure)
    status = 200
    if request.method == "POST":
        form = FigureForm(request.POST, figure=figure)
        if form.is_valid():
            try:
                changed = form.apply(request.user)
            except StaleFigure as stale:
                form = form.after_conflict(stale.current)
                status = 409
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
    if request.method == "POST":
        year.require_open()
    grid = FigureGrid(report.rows, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        saved = grid.save(request.user)
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
            "summary": report.summary,
        },
        status=status,
    )


@permission_required("targets.export_report", raise_exception=True)
@require_safe
def report_workbook(request, year):
    """The year-end report as an .xlsx download, built from the same rows as the page."""
    report = YearReport.for_year(get_object_or_404(Year, year=year))
    response = HttpResponse(
        xlsx.workbook_bytes(xlsx.build_workbook(report)), content_type=xlsx.CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{xlsx.filename(report)}"'
    return response


@permission_required("targets.export_report", raise_exception=True)
@require_safe
def report_print(request, year):
    """The year-end report as a page that prints cleanly on A4."""
    report = YearReport.for_year(get_object_or_404(Year, year=year))
    with translation.override("vi"):  # the report is filed in Vietnamese
        context = {
            "report": report,
            "year": report.year,
            "executive_line": wording.executive_line(report.year),
            "number_line": wording.number_line(report.year),
            "date_line": wording.place_and_date_line(report.year),
            "status_line": wording.status_line(report.is_final),
            "subject": wording.report_subject(report.year),
            "headings": [str(column.heading) for column in report.columns],
            "sections": report.printed_sections(),
        }
    return render(request, "targets/report.html", context)


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
