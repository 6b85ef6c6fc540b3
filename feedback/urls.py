from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.answer, name="answer"),
    path("results/", views.results, name="results"),
    path("items/", views.items, name="items"),
]
