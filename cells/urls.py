from django.urls import path

from . import views

app_name = "cells"

# Every page of a year's cells, under /<year>/cells/ (see cauthia/urls.py).
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ratings/apply/", views.apply_rating, name="apply_rating"),
    path("shares/<slug:slug>/", views.share_split, name="share_split"),
    path("shares/<slug:slug>/adopt/", views.adopt_sum, name="adopt_sum"),
    path("<id:number>/", views.cell_detail, name="cell"),
    path("<id:number>/digest/", views.digest, name="digest"),
    path("<id:number>/shares/", views.cell_shares, name="shares"),
    path("<id:number>/tasks.xlsx", views.task_sheet, name="task_sheet"),
    path("<id:number>/tasks/add/", views.task_add, name="task_add"),
    path("<id:number>/tasks/<id:pk>/edit/", views.task_edit, name="task_edit"),
    path("<id:number>/tasks/<id:pk>/progress/", views.task_progress, name="task_progress"),
    path("<id:number>/tasks/<id:pk>/delete/", views.task_delete, name="task_delete"),
    path("<id:number>/rating/self/", views.rating_self, name="rating_self"),
    path("<id:number>/rating/proposal/", views.rating_proposal, name="rating_proposal"),
    path("<id:number>/rating/", views.rating_edit, name="rating_edit"),
]
