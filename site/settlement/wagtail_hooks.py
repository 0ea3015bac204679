from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core.admin_menu import register_menu_item
from settlement import access, admin_views, dashboard, voucher_office


@hooks.register("register_admin_urls")
def register_settlement_urls():
    return [
        path("rendiconti/", admin_views.statement_list, name="settlement_statements"),
        path("rendiconti/<int:pk>/", admin_views.statement_detail, name="settlement_statement"),
        path(
            "rendiconti/<int:pk>/scarica.<fmt>",
            admin_views.statement_export,
            name="settlement_statement_export",
        ),
        path(
            "rendiconti/elenco/<str:what>.<str:fmt>",
            admin_views.list_export,
            name="settlement_list_export",
        ),
        path("rendiconti/riconciliazione/", admin_views.reconciliation_report, name="settlement_reconciliation"),
        path("rendiconti/dati-di-pagamento/", admin_views.payment_details, name="settlement_payment_details"),
        path("richieste-enti/", admin_views.city_requests, name="settlement_city_requests"),
        path("ufficio-voucher/", voucher_office.search, name="settlement_voucher_search"),
        path("ufficio-voucher/<int:pk>/", voucher_office.wallet_detail, name="settlement_voucher_wallet"),
        path("ufficio-voucher/annullamenti/", voucher_office.disputes, name="settlement_voucher_disputes"),
    ]


register_menu_item(
    _("Rendiconti"),
    "settlement_statements",
    icon="doc-full",
    order=260,
    shown_to=lambda user: access.manages_statements(user) or access.provider_ids(user),
)
register_menu_item(
    _("Ufficio voucher"), "settlement_voucher_search", icon="tag", order=270, shown_to=access.manages_vouchers
)


@hooks.register("construct_homepage_panels")
def add_provider_home_panel(request, panels):
    panels[:0] = dashboard.panels_for(request.user)


register_menu_item(
    _("Richieste di tutti gli enti"),
    "settlement_city_requests",
    icon="mail",
    order=265,
    shown_to=access.manages_statements,
)
