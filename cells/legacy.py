"""The cells' addresses of before every page of a year carried the year in its path
(/cells/3/?year=2023), sent on as the targets' are (targets/legacy.py)."""

from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views.decorators.http import require_safe

from targets.legacy import meant_committee, moved

from .models import Task


@require_safe
def task_edit(request, pk):
    committee = meant_committee(request)
    task = get_object_or_404(
        Task.objects.filter(cell__committee=committee)
        .for_user(request.user)
        .select_related("cell", "year"),
        pk=pk,
    )
    return redirect(
        "cells:task_edit",
        committee=committee.slug,
        year=task.year.year,
        number=task.cell.number,
        pk=pk,
    )


urlpatterns = [
    # Also the menu's link to the cells from a page of no year (the password page).
    path("cells/", moved("cells:overview"), name="cells_home"),
    path("cells/<id:number>/", moved("cells:cell")),
    path("cells/<id:number>/tasks.xlsx", moved("cells:task_sheet")),
    path("cells/<id:number>/tasks/add/", moved("cells:task_add")),
    path("cells/<id:number>/<year:year>/rating/", moved("cells:rating_edit")),
    path("cells/tasks/<id:pk>/edit/", task_edit),
]
