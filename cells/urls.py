from django.urls import path

from . import views

app_name = "cells"

# Every page of a year's cells, under /<year>/cells/ (see cauthia/urls.py).
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ratings/apply/", views.apply_rating, name="apply_rating"),
    path("<id:number>/", views.cell_detail, name="cell"),
    path("<id:number>/tasks.xlsx", views.task_sheet, name="task_sheet"),
    path("<id:number>/tasks/add/", views.task_add, name="task_add"),
    path("<id:number>/tasks/<id:pk>/edit/", views.task_edit, name="task_edit"),
    path("<id:number>/rating/", views.rating_edit, name="rating_edit"),
]
