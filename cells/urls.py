from django.urls import path

from . import views

app_name = "cells"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<id:number>/", views.cell_detail, name="cell"),
    path("<id:number>/tasks.xlsx", views.task_sheet, name="task_sheet"),
    path("<id:number>/tasks/add/", views.task_add, name="task_add"),
    path("tasks/<id:pk>/edit/", views.task_edit, name="task_edit"),
    path("<id:number>/<year:year>/rating/", views.rating_edit, name="rating_edit"),
    path("ratings/<year:year>/apply/", views.apply_rating, name="apply_rating"),
]
