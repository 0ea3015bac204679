from django.urls import path

from vouchercall import views

app_name = "vouchercall"

urlpatterns = [
    path("", views.call_list, name="calls"),
    path("<int:pk>/", views.call_detail, name="call"),
    path("<int:pk>/domanda/", views.apply, name="apply"),
    path("<int:pk>/ritira/", views.withdraw, name="withdraw"),
    path("<int:pk>/ricevuta/", views.receipt, name="receipt"),
    path("<int:pk>/riesame/", views.appeal, name="appeal"),
    path("voucher/<int:wallet_pk>/rinuncia/", views.renounce, name="renounce"),
]
