from django.urls import path

from booking import views

app_name = "booking"

urlpatterns = [
    path("", views.family, name="family"),
    path("profilo/", views.profile, name="profile"),
    path("figli/aggiungi/", views.child_edit, name="child_add"),
    path("figli/<int:pk>/modifica/", views.child_edit, name="child_edit"),
    path("voucher/<int:pk>/", views.wallet_detail, name="wallet"),
]
