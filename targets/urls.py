from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("<int:year>/", views.dashboard, name="dashboard"),
    path("<int:year>/report.xlsx", views.report_workbook, name="report_workbook"),
    path("<int:year>/report/", views.report_print, name="report"),
    path("<int:year>/close/", views.close_year, name="close"),
    path("<int:year>/reopen/", views.reopen_year, name="reopen"),
    path("<int:year>/grid/", views.year_grid, name="grid"),
    path("<int:year>/<slug:slug>/", views.target, name="target"),
    path("<int:year>/<slug:slug>/edit/", views.edit_figure, name="edit"),
]
