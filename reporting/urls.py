from django.urls import path

from . import annual_views, dashboard, health_views, rollup_views

app_name = "reporting"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("export/<slug:kind>.xlsx", dashboard.export, name="export"),
    path("rollup/", rollup_views.rollup_page, name="rollup"),
    path("rollup/offices.xlsx", rollup_views.rollup_xlsx, name="rollup_xlsx"),
    path("health/", health_views.health_page, name="health"),
    path("annual/", annual_views.annual_list, name="annual_list"),
    path("annual/generate/", annual_views.annual_generate, name="annual_generate"),
    path("annual/<int:pk>/", annual_views.annual_detail, name="annual_detail"),
    path("annual/<int:pk>/decide/", annual_views.annual_decide, name="annual_decide"),
    path("annual/<int:pk>/retry/", annual_views.annual_retry, name="annual_retry"),
    path("annual/<int:pk>/issue/", annual_views.annual_issue, name="annual_issue"),
    path("annual/<int:pk>/report.pdf", annual_views.annual_download, name="annual_download"),
]
