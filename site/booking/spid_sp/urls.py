"""Mounted by allauth under /accounts/ (the provider's package urls)."""

from django.urls import path

from booking.spid_sp import demo_idp, views

urlpatterns = [
    path("spid/metadata/", views.metadata, name="spid_metadata"),
    path("spid/metadata/cie/", views.metadata, {"cie": True}, name="spid_metadata_cie"),
    path("spid/login/", views.login, name="spid_login"),
    path("spid/acs/", views.acs, name="spid_acs"),
    path("spid/acs/fine/", views.finish, name="spid_finish"),
    path("spid/slo/", views.slo, name="spid_slo"),
    # Development only: answers 404 unless settings.SPID_DEMO_IDP (refused by production settings).
    path("spid/demo-idp/sso/", demo_idp.sso, name="spid_demo_idp_sso"),
]
