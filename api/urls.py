"""/api/v1/…: the API's reads and its schema (cauthia/urls.py includes them under /api/)."""

from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("v1/committees/", views.Committees.as_view(), name="committees"),
    path("v1/committees/<committee:key>/years/", views.Years.as_view(), name="years"),
    path(
        "v1/committees/<committee:key>/years/<year:year>/figures/",
        views.Figures.as_view(),
        name="figures",
    ),
    path("v1/committees/<committee:key>/rollup/", views.RollupYears.as_view(), name="rollup_years"),
    path(
        "v1/committees/<committee:key>/rollup/<year:year>/", views.Rollup.as_view(), name="rollup"
    ),
    path(
        "v1/committees/<committee:key>/rollup/<year:year>/completeness/",
        views.Completeness.as_view(),
        name="completeness",
    ),
    path("v1/schema/", views.Schema.as_view(), name="schema"),
]
