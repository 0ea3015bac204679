"""Staff review of register applications in the Wagtail admin: inspect, approve, reject with a reason."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton

from catalog import register
from catalog.constants import ApplicationStatus
from catalog.models import ApplicationAttachment, RegisterApplication
from config.private_files import private_file_response
from core.admin_views import HistoryInspectMixin
from core.permissions import WRITES, RefusingPolicy
from core.vocabularies import Category

DECIDE_PERMISSION = "catalog.change_registerapplication"


class ApplicationPermissionPolicy(RefusingPolicy):
    """Applications are read-only in the admin: they change only through approve and reject (and their log)."""

    refused = WRITES


class ApplicationFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Stato"), choices=ApplicationStatus.choices)
    category = django_filters.ChoiceFilter(
        label=_("Categoria"), field_name="categories__category", choices=Category.choices, distinct=True
    )

    class Meta:
        model = RegisterApplication
        fields = []


def state_counts() -> list[dict]:
    """The queue's counters: for every application state, in the vocabulary's order, {"value", "label", "count"}
    (zero included). One query."""
    counts = dict(RegisterApplication.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return [
        {"value": value, "label": label, "count": counts.get(value, 0)} for value, label in ApplicationStatus.choices
    ]


class ApplicationIndexView(IndexView):
    """The staff's queue: the applications, with how many are in each state above the list (links that filter)."""

    template_name = "catalog/admin/application_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["state_counts"] = state_counts()
        return context


class ApplicationInspectView(HistoryInspectMixin, InspectView):
    def get_header_more_buttons(self):
        return []

    @property
    def header_buttons(self):
        if not self.request.user.has_perm(DECIDE_PERMISSION):
            return []
        if self.object.status == ApplicationStatus.APPROVED and self.object.provider_user_id:
            url = reverse("register_applications:resend_invitation", args=[self.object.pk])
            return [HeaderButton(_("Reinvia l'invito"), url=url, icon_name="mail")]
        if self.object.status != ApplicationStatus.SUBMITTED:
            return []
        return [
            HeaderButton(
                _("Approva"), url=reverse("register_applications:approve", args=[self.object.pk]), icon_name="check"
            ),
            HeaderButton(
                _("Respingi"), url=reverse("register_applications:reject", args=[self.object.pk]), icon_name="cross"
            ),
        ]

    def get_categories_display_value(self):
        return self.object.category_labels() or "-"

    def get_attachments_display_value(self):
        rows = [
            (reverse("register_applications:attachment", args=[a.pk]), a.title) for a in self.object.attachments.all()
        ]
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', rows)) if rows else "-"


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo del rigetto"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sarà inviato all'ente per email."),
        error_messages={"required": _("Indica il motivo del rigetto: sarà inviato all'ente.")},
    )


class DecisionView(WagtailAdminTemplateMixin, FormView):
    template_name = "catalog/admin/decision.html"
    form_class = forms.Form
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(DECIDE_PERMISSION):
            raise PermissionDenied
        self.application = get_object_or_404(RegisterApplication, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.application)

    def inspect_url(self):
        return reverse("register_applications:inspect", args=[self.application.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(application=self.application, inspect_url=self.inspect_url(), action_label=self.action_label)
        return context

    def form_valid(self, form):
        try:
            self.decide(form)
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
            return redirect(self.inspect_url())
        messages.success(self.request, self.success_message % {"name": self.application})
        return redirect(self.inspect_url())


class ApproveView(DecisionView):
    page_title = _("Approva la domanda")
    action_label = _("Approva e invita l'ente")
    success_message = _("«%(name)s» è stato ammesso: la scheda ente e l'utente sono stati creati e l'invito inviato.")

    def decide(self, form):
        register.approve(self.application, by=self.request.user)


class RejectView(DecisionView):
    page_title = _("Respingi la domanda")
    form_class = RejectForm
    action_label = _("Respingi e avvisa l'ente")
    success_message = _("La domanda di «%(name)s» è stata respinta e l'ente è stato avvisato.")

    def decide(self, form):
        register.reject(self.application, by=self.request.user, reason=form.cleaned_data["reason"])


def may_read_application(user, application: RegisterApplication) -> bool:
    """City staff who review applications, and the provider the application admitted (its own group, by key)."""
    if user.has_perm("catalog.view_registerapplication"):
        return True
    page = application.provider_page
    return bool(page and page.group_id and user.groups.filter(pk=page.group_id).exists())


def attachment(request, pk: int):
    """An application's attachment, to those who may read the application; 404 to anyone else."""
    item = get_object_or_404(ApplicationAttachment.objects.select_related("application__provider_page"), pk=pk)
    if not may_read_application(request.user, item.application):
        raise Http404
    return private_file_response(item.file, item.title)


class ResendInvitationView(DecisionView):
    page_title = _("Reinvia l'invito")
    action_label = _("Reinvia l'invito all'ente")
    success_message = _("Un nuovo invito è stato inviato a «%(name)s».")

    def decide(self, form):
        register.resend_invitation(self.application, by=self.request.user)


class RegisterApplicationViewSet(ModelViewSet):
    model = RegisterApplication
    icon = "form"
    menu_label = _("Elenco Milano 0-18")
    add_to_admin_menu = True
    menu_order = 250
    list_display = ["protocol", "organisation_name", "legal_form", "category_labels", "status", "submitted_at"]
    list_export = [
        "protocol",
        "organisation_name",
        "legal_form",
        "tax_code",
        "email",
        "category_labels",
        "status",
        "submitted_at",
    ]
    export_filename = "domande-elenco-milano-0-18"
    filterset_class = ApplicationFilterSet
    search_fields = ["organisation_name", "tax_code", "protocol"]
    ordering = ["-submitted_at"]
    index_view_class = ApplicationIndexView
    inspect_view_enabled = True
    inspect_view_class = ApplicationInspectView
    inspect_view_fields = [
        "protocol",
        "call",
        "window_label",
        *RegisterApplication.APPLICANT_FIELDS,
        "categories",
        *RegisterApplication.DECLARATION_FIELDS,
        "attachments",
        "status",
        "rejection_reason",
        "submitted_at",
        "provider_page",
        "history",
    ]
    copy_view_enabled = False
    form_fields = ["organisation_name"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("approve/<int:pk>/", ApproveView.as_view(), name="approve"),
            path("reject/<int:pk>/", RejectView.as_view(), name="reject"),
            path("attachment/<int:pk>/", attachment, name="attachment"),
            path("resend-invitation/<int:pk>/", ResendInvitationView.as_view(), name="resend_invitation"),
        ]
