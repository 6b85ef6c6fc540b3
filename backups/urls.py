from django.urls import path

from . import views

app_name = "backups"

urlpatterns = [
    path("", views.runs, name="runs"),
    path("start/", views.start, name="start"),
    path("<int:pk>/verify/", views.verify_run, name="verify"),
    path("<int:pk>/download/", views.download, name="download"),
]
