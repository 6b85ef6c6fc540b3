from django.urls import path

from . import finance_views, plan, report_views, views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/<int:year>/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("plan/<int:year>/", plan.plan_overview, name="plan"),
    path("<int:pk>/q<int:number>/", report_views.report_form, name="report"),
    path("evidence/<int:pk>/", report_views.evidence_download, name="evidence"),
    path("forms/", report_views.my_forms, name="my_forms"),
    path("forms/review/", report_views.review_queue, name="review_queue"),
    path("forms/approval/", report_views.approval_queue, name="approval_queue"),
    path("forms/bulk/", report_views.bulk_action, name="bulk_action"),
    path("forms/disbursements/", finance_views.disbursements, name="disbursements"),
    path("forms/overview/", report_views.quarter_overview, name="quarter_overview"),
]
