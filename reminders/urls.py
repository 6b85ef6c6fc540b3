from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.my_mail, name="mine"),
    path("<int:pk>/", views.message_detail, name="message"),
    path("log/", views.mail_log, name="log"),
    path("log/<int:pk>/send/", views.send_now, name="send_now"),
    path("rules/", views.rules_current, name="rules_current"),
    path("rules/<int:year>/", views.rules, name="rules"),
]
