from django.urls import path

from . import dashboard, views

app_name = "reporting"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("plan/<int:year>/import/", views.plan_import, name="plan_import"),
    path("plan/<int:year>/template.xlsx", views.plan_template, name="plan_template"),
    path("plan/<int:year>/export.xlsx", views.plan_export, name="plan_export"),
]
