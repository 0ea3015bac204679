from django.urls import path

from legal import views

app_name = "legal"

urlpatterns = [
    path("valuta/", views.feedback_vote, name="feedback_vote"),
    path("valuta/<str:token>/", views.feedback_detail, name="feedback_detail"),
    path("segnalazione-accessibilita/", views.accessibility_feedback, name="accessibility_feedback"),
]
