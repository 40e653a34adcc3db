from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("<year:year>/", views.dashboard, name="dashboard"),
    path("<year:year>/report.xlsx", views.report_workbook, name="report_workbook"),
    path("<year:year>/report/", views.report_print, name="report"),
    path("<year:year>/close/", views.close_year, name="close"),
    path("<year:year>/reopen/", views.reopen_year, name="reopen"),
    path("<year:year>/grid/", views.year_grid, name="grid"),
    path("<year:year>/<slug:slug>/", views.target, name="target"),
    path("<year:year>/<slug:slug>/edit/", views.edit_figure, name="edit"),
]
