from django.urls import path

from . import views

app_name = "targets"

# Every page of a year, under /<year>/ (see cauthia/urls.py).
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("grid/", views.year_grid, name="grid"),
    path("report/", views.report_print, name="report"),
    path("report/text/", views.report_text, name="report_text"),
    path("report.docx", views.report_docx, name="report_docx"),
    path("report.xlsx", views.report_workbook, name="report_workbook"),
    path("close/", views.close_year, name="close"),
    path("close/estimates/", views.take_estimates, name="take_estimates"),
    path("reopen/", views.reopen_year, name="reopen"),
    path("next/", views.next_year, name="next_year"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<id:pk>/", views.import_preview, name="import"),
    path("targets/<slug:slug>/", views.target, name="target"),
    path("targets/<slug:slug>/edit/", views.edit_figure, name="edit"),
    path("targets/<slug:slug>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("targets/<slug:slug>/evidence/<id:pk>/", views.evidence_download, name="evidence"),
]
