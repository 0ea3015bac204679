from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

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


class StatementsMenuItem(MenuItem):
    def is_shown(self, request):
        return access.manages_statements(request.user) or bool(access.provider_ids(request.user))


@hooks.register("register_admin_menu_item")
def register_statements_menu_item():
    return StatementsMenuItem(_("Rendiconti"), reverse("settlement_statements"), icon_name="doc-full", order=260)


class VoucherOfficeMenuItem(MenuItem):
    def is_shown(self, request):
        return access.manages_vouchers(request.user)


@hooks.register("register_admin_menu_item")
def register_voucher_office_menu_item():
    return VoucherOfficeMenuItem(_("Ufficio voucher"), reverse("settlement_voucher_search"), icon_name="tag", order=270)


@hooks.register("construct_homepage_panels")
def add_provider_home_panel(request, panels):
    panels[:0] = dashboard.panels_for(request.user)


class CityRequestsMenuItem(MenuItem):
    def is_shown(self, request):
        return access.manages_statements(request.user)


@hooks.register("register_admin_menu_item")
def register_city_requests_menu_item():
    return CityRequestsMenuItem(
        _("Richieste di tutti gli enti"), reverse("settlement_city_requests"), icon_name="mail", order=265
    )
