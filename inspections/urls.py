from django.urls import path

from . import monitoring_views, views

app_name = "inspections"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/report.<slug:fmt>", views.round_report, name="round_report"),
    path("issues/<int:pk>/", views.issue_detail, name="issue"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("mine/", views.my_actions, name="mine"),
    path("board/", views.board, name="board"),
    path("evidence/<slug:which>/<int:pk>/", views.evidence_download, name="evidence"),
    path("monitoring/", monitoring_views.monitoring, name="monitoring"),
    path("monitoring/appointments.pdf", monitoring_views.appointments_pdf, name="appointments"),
    path("monitoring/rounds/<int:pk>/", monitoring_views.monitoring_round, name="monitoring_round"),
    path("monitoring/rounds/<int:pk>/form.<slug:fmt>", monitoring_views.monitoring_export, name="monitoring_export"),
    path("monitoring/results/<int:pk>/", monitoring_views.result_detail, name="result"),
    path("monitoring/rounds/<int:pk>/obec.zip", monitoring_views.obec_bundle, name="obec_bundle"),
    path("monitoring/rounds/<int:pk>/sending/", monitoring_views.record_sending, name="record_sending"),
    path("monitoring/rounds/<int:pk>/meetings/new/", monitoring_views.meeting_new, name="meeting_new"),
    path("monitoring/meetings/<int:pk>/", monitoring_views.meeting_detail, name="meeting"),
    path("monitoring/meetings/<int:pk>/minutes.pdf", monitoring_views.meeting_pdf, name="meeting_pdf"),
    path("bodies/", views.bodies, name="bodies"),
]
