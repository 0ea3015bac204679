from django.urls import path

from booking import family_order_views, family_views, privacy_views, views

app_name = "booking"

urlpatterns = [
    path("", views.family, name="family"),
    path("profilo/", views.profile, name="profile"),
    path("figli/aggiungi/", views.child_edit, name="child_add"),
    path("figli/<int:pk>/modifica/", views.child_edit, name="child_edit"),
    path("voucher/<int:pk>/", views.wallet_detail, name="wallet"),
    path("selezione/", family_views.basket, name="basket"),
    path("selezione/aggiungi/", family_views.basket_add, name="basket_add"),
    path("selezione/rimuovi/", family_views.basket_remove, name="basket_remove"),
    path("richieste/nuova/", family_views.request_new, name="request_new"),
    path("richieste/", family_views.request_list, name="requests"),
    path("richieste/<int:pk>/", family_views.request_detail, name="request"),
    path("richieste/<int:pk>/ritira/", family_views.request_withdraw, name="request_withdraw"),
    path("richieste/<int:pk>/preventivo/", family_views.quote_decide, name="quote_decide"),
    path("messaggi/<int:pk>/allegato/", family_views.attachment, name="attachment"),
    path("acquisti/", family_order_views.order_list, name="orders"),
    path("acquisti/<int:pk>/", family_order_views.order_detail, name="order"),
    path("acquisti/<int:pk>/paga/", family_order_views.order_pay, name="order_pay"),
    path("acquisti/<int:pk>/annulla/", family_order_views.order_cancel, name="order_cancel"),
    path("acquisti/<int:pk>/annullamento/", family_order_views.order_cancel_ask, name="order_cancel_ask"),
    path(
        "acquisti/<int:pk>/annullamento/contesta/", family_order_views.order_cancel_dispute, name="order_cancel_dispute"
    ),
    path("acquisti/<int:pk>/giudizio/", family_order_views.order_rate, name="order_rate"),
    path("dati/", privacy_views.data_page, name="data_page"),
    path("dati/scarica/", privacy_views.data_download, name="data_download"),
    path("dati/cancella/", privacy_views.erasure, name="erasure"),
]
