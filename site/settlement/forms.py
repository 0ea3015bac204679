"""Forms of the statements and voucher back-office screens (Italian labels)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban
from wagtail.admin.widgets import AdminDateInput, AdminPageChooser

from booking.models import ServiceRequest
from core.vocabularies import Category
from settlement.models import PaymentDetails, Statement, provider_model
from theme.input import parse_id


def _last_month() -> tuple[datetime.date, datetime.date]:
    first_of_this = timezone.localdate().replace(day=1)
    end = first_of_this - datetime.timedelta(days=1)
    return end.replace(day=1), end


class ProviderField(forms.ModelChoiceField):
    """A provider page by id; an id no database key can hold is "not a valid choice", never a database error."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if parse_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ProviderChooser(AdminPageChooser):
    """The page chooser for a provider. Its value sits in a hidden input, which HTML forbids to be `required` or
    named by a label: the field still refuses an empty choice on the server, and the chooser's button says what
    it chooses."""

    def use_required_attribute(self, initial):
        return False

    def id_for_label(self, id_):
        return ""


class BuildStatementForm(forms.Form):
    """Provider (a chooser for the City, a short list for an operator) and the period, last month by default."""

    provider = ProviderField(label=_("Ente"), queryset=None)
    period_start = forms.DateField(label=_("Dal"), widget=AdminDateInput)
    period_end = forms.DateField(label=_("Al"), widget=AdminDateInput)

    def __init__(self, *args, providers, city: bool, **kwargs):
        super().__init__(*args, **kwargs)
        start, end = _last_month()
        self.fields["period_start"].initial, self.fields["period_end"].initial = start, end
        pages = provider_model().objects
        if city:
            self.fields["provider"].queryset = pages.all()
            self.fields["provider"].widget = ProviderChooser(target_models=["catalog.ProviderPage"])
        else:
            self.fields["provider"].queryset = pages.filter(pk__in=providers).order_by("title")
            if len(providers) == 1:
                self.fields["provider"].initial = providers[0]


class StatementFilterForm(forms.Form):
    """Filters of the statements listing; `ente` is a free-text search on the provider's names (no long list)."""

    stato = forms.ChoiceField(label=_("Stato"), required=False, choices=[("", _("Tutti")), *Statement.State.choices])
    ente = forms.CharField(label=_("Ente (nome o codice fiscale)"), required=False, max_length=100)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class PaidForm(forms.Form):
    reference = forms.CharField(label=_("Riferimento del pagamento (es. numero del mandato)"), max_length=100)
    date = forms.DateField(label=_("Data del pagamento"), widget=AdminDateInput)


class PaymentDetailsForm(forms.ModelForm):
    class Meta:
        model = PaymentDetails
        fields = ["iban", "account_holder", "billing_name", "billing_address", "sdi_code"]

    def clean_iban(self):
        return stdnum_iban.compact(self.cleaned_data["iban"])


class WalletSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Codice protocollo del voucher o codice fiscale"),
        max_length=40,
        help_text=_("Per esempio V03-000128, oppure il codice fiscale della figlia, del figlio o del genitore."),
    )


class CityRequestFilterForm(forms.Form):
    """The City's filters on every provider's requests: provider by name or codice fiscale (a search box, not a
    list of hundreds), category, state."""

    ente = forms.CharField(label=_("Ente (nome o codice fiscale)"), required=False, max_length=100)
    categoria = forms.ChoiceField(label=_("Categoria"), required=False, choices=[("", _("Tutte")), *Category.choices])
    stato = forms.ChoiceField(
        label=_("Stato"), required=False, choices=[("", _("Tutti")), *ServiceRequest.State.choices]
    )
