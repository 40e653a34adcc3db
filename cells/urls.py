from django.urls import path

from . import views

app_name = "cells"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:number>/", views.cell_detail, name="cell"),
    path("<int:number>/tasks.xlsx", views.task_sheet, name="task_sheet"),
    path("<int:number>/tasks/add/", views.task_add, name="task_add"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("<int:number>/<int:year>/rating/", views.rating_edit, name="rating_edit"),
    path("ratings/<int:year>/apply/", views.apply_rating, name="apply_rating"),
]
