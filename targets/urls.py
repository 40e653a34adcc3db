from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("<int:year>/", views.dashboard, name="dashboard"),
    path("<int:year>/<slug:slug>/", views.target, name="target"),
    path("<int:year>/<slug:slug>/edit/", views.edit_figure, name="edit"),
]
