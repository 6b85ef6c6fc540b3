"""Mounted at /reporting/plan/ (config/urls.py), where the plan workbook has always been: bookmarks keep working."""

from django.urls import path

from . import views

app_name = "planbook"

urlpatterns = [
    path("<int:year>/import/", views.plan_import, name="import"),
    path("<int:year>/template.xlsx", views.plan_template, name="template"),
    path("<int:year>/export.xlsx", views.plan_export, name="export"),
]
