import hashlib
import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import charts, display, document, imports, narrative, word, xlsx
from .access import year_for
from .forms import (
    CloseYearForm,
    DocumentDetailsForm,
    EvidenceForm,
    FigureForm,
    FigureGrid,
    ImportForm,
    NewTargetFormSet,
    NextYearForm,
    ReportTextForm,
    SheetForm,
    TakeEstimateForm,
)
from .models import (
    Evidence,
    Figure,
    Import,
    ReportText,
    StaleFigure,
    StaleFigures,
    StaleText,
    Target,
    Year,
)
from .panels import panels_for
from .progress import Assessment, Summary
from .report import Row, YearReport, latest_stage
from .stages import Stage
from .tables import FigureTable, HistoryTable, YearsTable

logger = logging.getLogger(__name__)


@login_not_required
@require_safe
def health(request):
    """A plain answer for load balancers and the load benchmark: the app is up."""
    return HttpResponse("ok", content_type="text/plain")


def stage_asked(request):
    """The stage a page was asked to show (?stage=half|estimate|final), or None for the latest
    stage the year has figures of."""
    asked = request.GET.get("stage", "")
    return Stage(asked) if asked in Stage.values else None


@require_safe
def dashboard(request, committee, year):
    access = year_for(request, committee, year)
    year = access.year
    compare = request.GET.get("compare") == "1"
    report = YearReport.for_year(year, stage_asked(request), groups={"compare"} if compare else ())
    area_filter = request.GET.get("area", "")
    assessment_filter = request.GET.get("assessment", "")
    shown = [
        row
        for row in report.rows
        if (not area_filter or str(row.area.position) == area_filter)
        and (not assessment_filter or row.assessment == assessment_filter)
    ]
    table = FigureTable(
        report, shown, exclude=() if access.can_enter else ("edit",), request=request
    )
    sort = request.GET.get("sort", "")
    if sort.removeprefix("-") in table.declared and table.columns[sort.removeprefix("-")].orderable:
        table.order_by = sort
    table.keep_areas_together()
    return render(
        request,
        "targets/dashboard.html",
        {
            "year": year,
            "years": access.years,
            "report": report,
            "stages": Stage,
            "compare": compare,
            "summary": report.summary,
            "events": year.events.select_related("by")[:5],
            "table": table,
            "areas": access.committee.areas.all(),
            "assessments": Assessment.choices,
            "area_filter": area_filter,
            "assessment_filter": assessment_filter,
            "shown_count": len(shown),
            "has_illustrative": any(row.illustrative for row in shown),
        },
    )


def _figure(access, slug):
    """The figure of ``slug`` in the access's year, or 404; its year, joined, is the access's."""
    figure = get_object_or_404(
        access.of_year(Figure.objects.select_related("target__area", "year", "updated_by")),
        target__slug=slug,
    )
    access.found(figure.year)
    return figure


@require_safe
def target(request, committee, year, slug):
    figure = _figure(year_for(request, committee, year), slug)
    all_years = [
        Row(other)
        for other in Figure.objects.filter(target=figure.target)
        .select_related("target", "year__committee")
        .order_by("year__year")
    ]
    previous = next((row.figure for row in all_years if row.figure.year.year == year - 1), None)
    history = figure.changes.select_related("changed_by", "figure__target", "imported_from")
    evidence = figure.evidence.select_related("uploaded_by")
    return render(
        request,
        "targets/target.html",
        {
            "figure": figure,
            "row": Row(figure, stage=figure.latest_stage() or Stage.FINAL, previous=previous),
            "stage_texts": [(stage, Row(figure).text_at(stage)) for stage in Stage],
            "evidence_limit": settings.EVIDENCE_MAX_BYTES,
            "year": figure.year,
            "years_table": YearsTable(all_years),
            "chart": charts.plan_and_actual(all_years),
            "history_table": HistoryTable(history),
            "evidence": evidence,
            "evidence_form": EvidenceForm(),
            "panels": panels_for(request, figure),
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
def edit_figure(request, committee, year, slug):
    figure = _figure(year_for(request, committee, year), slug)
    figure.year.require_open()
    next_url = _next_url(request, figure)
    status = 200
    if request.method == "POST":
        form = FigureForm(request.POST, figure=figure, previous=figure.of_year_before())
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
@require_POST
def evidence_upload(request, committee, year, slug):
    """Add an evidence file to a figure of an open year."""
    figure = _figure(year_for(request, committee, year), slug)
    figure.year.require_open()
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        Evidence(
            figure=figure,
            file=upload,
            name=upload.name,
            content_type=upload.detected_type,
            size=upload.size,
            uploaded_by=request.user,
        ).save()
        messages.success(request, _("Evidence added: %(name)s.") % {"name": upload.name})
    else:
        messages.error(request, " ".join(form.errors["file"]))
    return redirect(figure.get_absolute_url())


@permission_required("targets.view_figure", raise_exception=True)
@require_safe
def evidence_download(request, committee, year, slug, pk):
    """An evidence file, to those who may see the ward's figures, as a download."""
    evidence = get_object_or_404(
        year_for(request, committee, year).of_year(Evidence.objects, "figure__year"),
        pk=pk,
        figure__target__slug=slug,
    )
    try:
        opened = evidence.file.open("rb")
    except FileNotFoundError:
        # Its row is there, its file is not: a database restored without the evidence folder.
        logger.error("Evidence %s has no file at %s", evidence.pk, evidence.file.name)
        raise Http404 from None
    return FileResponse(
        opened,
        as_attachment=True,
        filename=evidence.download_name,
        content_type=evidence.content_type,
    )


@permission_required("targets.change_figure", raise_exception=True)
@require_http_methods(["GET", "POST"])
def year_grid(request, committee, year):
    """Every target of the year on one page: plan, actual and note of each, saved at once."""
    access = year_for(request, committee, year)
    year = access.year
    report = YearReport.for_year(year, stage_asked(request))
    if request.method == "POST":
        year.require_open()
    grid = FigureGrid(report.rows, report.stage, request.POST if request.method == "POST" else None)
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
            return redirect(f"{request.path}?stage={report.stage}")
        status = 409 if grid.conflicts else 400
    return render(
        request,
        "targets/grid.html",
        {
            "year": year,
            "years": access.years,
            "grid": grid,
            "report": report,
            "stages": Stage,
            "summary": report.summary,
        },
        status=status,
    )


def year_end_report(request, committee, year):
    return YearReport.year_end(year_for(request, committee, year).year, stage_asked(request))


@permission_required("targets.export_report", raise_exception=True)
@require_safe
def report_workbook(request, committee, year):
    """The year-end report as an .xlsx download, built from the same rows as the page."""
    report = year_end_report(request, committee, year)
    response = HttpResponse(
        xlsx.workbook_bytes(xlsx.build_workbook(report)), content_type=xlsx.CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{xlsx.filename(report)}"'
    return response


@permission_required("targets.export_report", raise_exception=True)
@require_safe
def report_print(request, committee, year):
    """The report as a page that prints cleanly on A4: the same Document as the .docx."""
    report = year_end_report(request, committee, year)
    return render(
        request,
        "targets/document.html",
        {
            "report": report,
            "year": report.year,
            "stages": Stage,
            "document": document.build(report),
        },
    )


@permission_required("targets.export_report", raise_exception=True)
@require_safe
def report_docx(request, committee, year):
    """The report as a Word document (BÁO CÁO with its annexes), for the office to file."""
    report = year_end_report(request, committee, year)
    response = HttpResponse(word.docx_bytes(report), content_type=word.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{word.filename(report)}"'
    return response


@permission_required("targets.change_reporttext", raise_exception=True)
@require_http_methods(["GET", "POST"])
def report_text(request, committee, year):
    """The office's text of the report at a stage, drafted from the figures until saved, and
    what the document prints beside it (number, date, signer, recipients)."""
    report = year_end_report(request, committee, year)
    year, stage, text = report.year, report.stage, report.text
    if request.method == "POST":
        year.require_open()
        form = ReportTextForm(request.POST, text=text)
        details = DocumentDetailsForm(request.POST, instance=year, stage=stage, prefix="doc")
        if form.is_valid() and details.is_valid():
            try:
                with transaction.atomic():
                    changed = details.save(by=request.user)
                    changed |= ReportText.write(
                        year, stage, form.values, request.user, form.cleaned_data["version"]
                    )
            except StaleText as stale:
                form = form.after_conflict(stale.current)
                status = 409
            else:
                if changed:
                    messages.success(request, _("The report's text is saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect(f"{request.path}?stage={stage}")
        else:
            status = 400
    else:
        status = 200
        if request.GET.get("draft") == "1":
            # The text drafted again from today's figures, to save over the stored one.
            text = ReportText(year=year, stage=stage, **narrative.draft(report))
            text.pk, text.version = report.text.pk, report.text.version
        form = ReportTextForm(text=text)
        details = DocumentDetailsForm(instance=year, stage=stage, prefix="doc")
    return render(
        request,
        "targets/report_text.html",
        {
            "year": year,
            "report": report,
            "stages": Stage,
            "form": form,
            "details": details,
            "saved": form.conflict or (report.text if report.text.pk else None),
        },
        status=status,
    )


@permission_required("targets.add_year", raise_exception=True)
@require_http_methods(["GET", "POST"])
def next_year(request, committee, year):
    """Set up the year after ``year``: its names, the targets carried over or added; its plans
    are then entered on its grid."""
    access = year_for(request, committee, year)
    year = access.year
    if access.years.filter(year=year.year + 1).exists():
        return set_up_already(request, committee, year.year + 1)
    data = request.POST if request.method == "POST" else None
    form = NextYearForm(
        data, year=year, instance=Year(committee=access.committee, year=year.year + 1)
    )
    new_targets = NewTargetFormSet(
        data,
        queryset=Target.objects.none(),
        prefix="new",
        form_kwargs={"areas": access.committee.areas.all()},
    )
    if data is not None and form.is_valid() and new_targets.is_valid():
        try:
            following = year.open_following(
                names={name: form.cleaned_data[name] for name in NextYearForm.Meta.fields},
                carried=list(form.cleaned_data["carried"]),
                new_targets=[a.save(commit=False) for a in new_targets if a.has_changed()],
                by=request.user,
            )
        except IntegrityError:
            # Another post set the year up in between: this one did not, and says so.
            if not access.years.filter(year=year.year + 1).exists():
                raise
            return set_up_already(request, committee, year.year + 1)
        messages.success(
            request,
            _("The year %(year)s is set up: enter its plans below.") % {"year": following.year},
        )
        return redirect("targets:grid", committee=committee, year=following.year)
    if data is not None:
        for error in new_targets.non_form_errors():  # too many forms: shown with the form's
            form.add_error(None, error)
    return render(
        request,
        "targets/next_year.html",
        {"year": year, "following": year.year + 1, "form": form, "new_targets": new_targets},
        status=400 if data is not None else 200,
    )


def set_up_already(request, committee, following):
    """The answer to setting up a year that is there: its dashboard, and a word why."""
    messages.info(request, _("The year %(year)s is set up already.") % {"year": following})
    return redirect("targets:dashboard", committee=committee, year=following)


def close_review(request, year, close_form=None, estimate_form=None, status=200):
    """The review of what closing ``year`` would freeze: what still blocks it, each with the
    page that fixes it, the warnings to confirm, and the estimates the office may take as final
    figures. Two queries of its own whatever the number of targets (the figures, whether the
    report is final), and those of the cells' warnings."""
    figures = list(Figure.objects.for_year(year))
    without_final, without_reason = year.closing_blockers(figures)
    if estimate_form is None:
        estimate_form = TakeEstimateForm(rows=estimate_rows(figures))
    return render(
        request,
        "targets/close_review.html",
        {
            "year": year,
            "summary": Summary(Row(f, stage=Stage.FINAL).assessment for f in figures),
            "without_final": [Row(f, stage=Stage.ESTIMATE) for f in without_final],
            # Each at the stage whose shortfall asks for a reason: final, else the estimate.
            "without_reason": [Row(f, stage=f.latest_stage()) for f in without_reason],
            "blocked": bool(without_final or without_reason),
            "warnings": year.closing_warnings(),
            "close_form": close_form or CloseYearForm(),
            "estimate_form": estimate_form,
            "final_stage": Stage.FINAL,
        },
        status=status,
    )


def estimate_rows(figures):
    """The rows, at the estimate, of ``figures`` that have an estimate and no final figure."""
    return [
        Row(figure, stage=Stage.ESTIMATE)
        for figure in figures
        if figure.actual_at(Stage.ESTIMATE) is not None and figure.actual_at(Stage.FINAL) is None
    ]


@permission_required("targets.close_year", raise_exception=True)
@require_http_methods(["GET", "POST"])
def close_year(request, committee, year):
    """GET: the review of what closing the year freezes. POST: close it, once nothing blocks it
    (the year itself refuses otherwise) and the office confirms it has read the warnings."""
    year = year_for(request, committee, year).year
    if year.is_closed:
        messages.info(request, _("The year %(year)s is closed already.") % {"year": year.year})
        return redirect("targets:dashboard", committee=committee, year=year.year)
    if request.method == "GET":
        return close_review(request, year)
    form = CloseYearForm(request.POST)
    if form.is_valid():
        try:
            year.close(by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The year %(year)s is closed.") % {"year": year.year})
            return redirect("targets:dashboard", committee=committee, year=year.year)
    return close_review(request, year, close_form=form, status=400)


@permission_required("targets.change_figure", raise_exception=True)
@require_POST
def take_estimates(request, committee, year):
    """Take the estimate as the final figure of the targets the office ticked on the review,
    all in one transaction, each at the version the page showed."""
    year = year_for(request, committee, year).year
    year.require_open()
    rows = estimate_rows(Figure.objects.for_year(year))
    form = TakeEstimateForm(request.POST, rows=rows)
    if form.is_valid():
        try:
            taken = year.take_estimates_as_final(form.versions, request.user)
        except StaleFigures as stale:
            message = _(
                "Nothing was written: %(targets)s changed since this page was opened. Look at "
                "their figures again and tick them anew."
            ) % {"targets": changed_by_whom(stale.current)}
            return close_review(
                request,
                year,
                estimate_form=form.after_conflict(stale.current, rows, message),
                status=409,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The estimate is taken as the final figure of %(count)d target.",
                    "The estimate is taken as the final figure of %(count)d targets.",
                    taken,
                )
                % {"count": taken},
            )
            return redirect("targets:close", committee=committee, year=year.year)
    return close_review(request, year, estimate_form=form, status=400)


def changed_by_whom(figures):
    """ "18. Tỷ lệ dân số tham gia bảo hiểm y tế (Bùi Xuân Vượng)": figures and who last
    changed each."""
    return "; ".join(
        f"{figure.target.position}. {figure.name}"
        + (f" ({display.person(figure.updated_by)})" if figure.updated_by else "")
        for figure in figures
    )


@permission_required("targets.close_year", raise_exception=True)
@require_POST
def reopen_year(request, committee, year):
    year = year_for(request, committee, year).year
    try:
        reopened = year.reopen(by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, error.message)
    else:
        if reopened:
            messages.success(request, _("The year %(year)s is open again.") % {"year": year.year})
    return redirect("targets:dashboard", committee=committee, year=year.year)


@permission_required("targets.change_figure", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_upload(request, committee, year):
    """Bring a year's figures in from a workbook: the file and its stage, then the preview."""
    year = year_for(request, committee, year).year
    year.require_open()
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = ImportForm(
        *data, initial={"stage": stage_asked(request) or latest_stage(year.figures.all())}
    )
    if form.is_valid():
        upload, stage = form.cleaned_data["file"], form.cleaned_data["stage"]
        upload.seek(0)
        imported = Import(
            year=year,
            stage=stage,
            file_name=upload.name[-255:],
            content=upload.read(),
            uploaded_by=request.user,
        )
        if read_into(imported, form):
            # Earlier previews of the same user and year are left behind; only this one counts.
            year.imports.filter(uploaded_by=request.user, confirmed_at=None).delete()
            imported.save()
            return redirect("targets:import", committee=committee, year=year.year, pk=imported.pk)
    return render(
        request,
        "targets/import_upload.html",
        {
            "year": year,
            "form": form,
            "limit": settings.IMPORT_MAX_BYTES,
            "done": year.imports.exclude(confirmed_at=None).select_related("uploaded_by")[:10],
        },
        status=400 if form.is_bound else 200,
    )


def read_into(imported, form=None, sheet=None):
    """Read ``imported``'s file into its preview (or the sheets to choose from); a refusal
    goes to ``form``'s file field, and False is returned."""
    try:
        preview = imports.read(
            bytes(imported.content), imported.year, imported.stage, sheet or None
        )
    except imports.Refused as refused:
        if form is not None:
            form.add_error("file" if "file" in form.fields else None, refused.message)
        return False
    except imports.SheetNeeded as needed:
        imported.sheet, imported.preview = "", {"sheets": needed.sheets}
        return True
    imported.sheet, imported.preview = preview.sheet, preview.as_json()
    return True


def preview_digest(imported):
    """A digest of the preview a page shows, posted back with the confirmation: the writing
    is of that preview, not one made again in another tab since."""
    shown = json.dumps(imported.preview, sort_keys=True, default=str)
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


@permission_required("targets.change_figure", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_preview(request, committee, year, pk):
    """An uploaded workbook's preview (or the choice of its sheet); confirming writes it."""
    # A preview is its uploader's; a file once written is on record for the whole office.
    access = year_for(request, committee, year)
    imported = get_object_or_404(
        access.of_year(Import.objects.select_related("year", "uploaded_by")).filter(
            Q(uploaded_by=request.user) | Q(confirmed_at__isnull=False)
        ),
        pk=pk,
    )
    year = access.found(imported.year)
    sheets = imported.preview.get("sheets")
    sheet_form = SheetForm(sheets=sheets or [])
    status = 200
    if request.method == "POST":
        year.require_open()
        action = request.POST.get("action")
        if imported.confirmed_at is not None:
            messages.info(request, _("This file's figures are written already."))
            return redirect("targets:import", committee=committee, year=year.year, pk=imported.pk)
        if action == "sheet" and sheets:
            sheet_form = SheetForm(request.POST, sheets=sheets)
            if sheet_form.is_valid() and read_into(
                imported, sheet_form, sheet_form.cleaned_data["sheet"]
            ):
                imported.save()
                return redirect(
                    "targets:import", committee=committee, year=year.year, pk=imported.pk
                )
            status = 400
        elif action == "again" and not sheets:
            read_into(imported, sheet=imported.sheet)
            imported.save()
            messages.info(request, _("The preview is made again from today's figures."))
            return redirect("targets:import", committee=committee, year=year.year, pk=imported.pk)
        elif action == "write" and not sheets:
            if request.POST.get("shown") != preview_digest(imported):
                messages.error(request, _("The preview changed since this page was opened."))
                return redirect(
                    "targets:import", committee=committee, year=year.year, pk=imported.pk
                )
            try:
                written = imports.write(imported, request.user)
            except imports.StaleImport as stale:
                messages.error(request, stale.message)
                status = 409
            else:
                messages.success(
                    request,
                    ngettext(
                        "Written from %(file)s: %(count)d target.",
                        "Written from %(file)s: %(count)d targets.",
                        written,
                    )
                    % {"file": imported.file_name, "count": written},
                )
                dashboard = reverse("targets:dashboard", args=[committee, year.year])
                return redirect(f"{dashboard}?stage={imported.stage}")
        else:
            status = 400
    preview = None if sheets else imports.Preview.from_json(imported)
    return render(
        request,
        "targets/import_preview.html",
        {
            "year": year,
            "imported": imported,
            "preview": preview,
            "sheet_form": sheet_form,
            "digest": preview_digest(imported),
        },
        status=status,
    )
