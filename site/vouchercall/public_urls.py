from django.urls import path

from vouchercall import views

app_name = "vouchercall_public"

urlpatterns = [path("<int:pk>/", views.public_ranking, name="ranking")]
