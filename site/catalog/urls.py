from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("domanda/", views.register_apply, name="register_apply"),
    path("domanda/inviata/", views.register_sent, name="register_sent"),
]
