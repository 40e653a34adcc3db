from django.urls import path

from . import documents, views

app_name = "rollup"

# Under /<committee>/rollup/ (cauthia/urls.py): /lao-cai/rollup/2024/…
urlpatterns = [
    path("", views.latest, name="latest"),
    path("<year:year>/", views.rollup_page, name="rollup"),
    path("<year:year>/completeness/", views.completeness_page, name="completeness"),
    path("<year:year>/targets/<slug:target>/", views.target_page, name="target"),
    path("<year:year>/print/", documents.printable, name="print"),
    path("<year:year>/workbook.xlsx", documents.workbook, name="workbook"),
]
