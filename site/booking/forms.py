import datetime
import io
from decimal import Decimal

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from booking.models import Child, Guardian, Payment
from core.vocabularies import Weekday


class GuardianForm(forms.ModelForm):
    """The family's own profile; a codice fiscale verified by SPID/CIE cannot be changed here."""

    class Meta:
        model = Guardian
        fields = ["first_name", "last_name", "fiscal_code", "email", "phone", "municipio"]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }
        help_texts = {"fiscal_code": _("16 caratteri, come sulla tessera sanitaria.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields[name].required = True
        if self.instance.fiscal_code_verified:
            self.fields["fiscal_code"].disabled = True
            self.fields["fiscal_code"].help_text = _("Verificato con SPID/CIE: non si può modificare.")


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = ["first_name", "birth_date", "fiscal_code"]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"fiscal_code": _("16 caratteri, come sulla tessera sanitaria.")}

    def __init__(self, *args, guardian: Guardian, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.guardian = guardian


class RankingImportForm(forms.Form):
    file = forms.FileField(
        label=_("File CSV della graduatoria"),
        help_text=_(
            "Colonne: guardian_fiscal_code, child_fiscal_code, child_name, birth_date (AAAA-MM-GG), "
            "value (es. 250.00), call (codice dell'avviso). Separatore virgola o punto e virgola, codifica UTF-8."
        ),
    )


# --- Marketplace -------------------------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


def validate_attachment(upload) -> None:
    """A real PDF (without scripts or automatic actions), PNG or JPEG, judged by content, never by name; 5 MB at most.

    The stored name and the type it is served with come from the same check (config.private_files).
    """
    from catalog.validators import check_pdf_content
    from config.private_files import JPEG, PDF, PNG, kind_of

    if upload.size > MAX_ATTACHMENT_BYTES:
        raise forms.ValidationError(_("L'allegato supera i 5 MB."))
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = kind_of(data[:8])
    if kind == PDF:
        check_pdf_content(data, upload.name)
    elif kind in (PNG, JPEG):
        _check_image(data, "PNG" if kind == PNG else "JPEG")
    else:
        raise forms.ValidationError(_("Puoi allegare solo file PDF o immagini (JPEG, PNG)."))


def _check_image(data: bytes, expected_format: str) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            ok = image.format == expected_format
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise forms.ValidationError(_("L'immagine allegata è danneggiata o non è un file JPEG o PNG.")) from error
    if not ok:
        raise forms.ValidationError(_("L'immagine allegata è danneggiata o non è un file JPEG o PNG."))


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChildRadioSelect(forms.RadioSelect):
    """Radio buttons for the family's children; a child the services do not fit is disabled and carries the reason
    (`option["reason"]`, shown next to the name), so it cannot be chosen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reasons: dict[int, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        reason = self.reasons.get(getattr(value, "value", value))
        option["reason"] = reason or ""
        if reason:
            option["attrs"]["disabled"] = True
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}_reason"
        return option


class ServiceRequestForm(forms.Form):
    """A request for one or more services, fitted to them: the children their age range excludes (age today,
    Europe/Rome) are disabled with the reason; the only child who fits is pre-selected; the days offered are the
    days the services run (all seven when none says). The start date is checked again by `marketplace.refusal`."""

    child = forms.ModelChoiceField(
        label=_("Per chi"), queryset=Child.objects.none(), empty_label=None, widget=ChildRadioSelect
    )
    preferred_start = forms.DateField(label=_("Dal (inizio preferito)"), widget=DATE_WIDGET)
    preferred_end = forms.DateField(label=_("Al (fine preferita)"), widget=DATE_WIDGET, required=False)
    preferred_days = forms.TypedMultipleChoiceField(
        label=_("Giorni preferiti"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(label=_("Messaggio per l'ente"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, guardian: Guardian, services=(), **kwargs):
        from booking.marketplace import age_on, age_refusal

        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        children = list(guardian.children.all())
        self.fields["child"].queryset = guardian.children.all()
        self.fields["child"].label_from_instance = lambda child: (
            _("%(name)s, %(age)s anni")
            % {
                "name": child.first_name,
                "age": age_on(child.birth_date, today),
            }
        )
        self.reasons = {
            child.pk: " ".join(reasons)
            for child in children
            if (reasons := [r for service in services if (r := age_refusal(service, child, today))])
        }
        self.fields["child"].widget.reasons = self.reasons
        # «As soon as possible» unless the family says otherwise: the provider's quote fixes the real start.
        self.initial.setdefault("preferred_start", today + datetime.timedelta(days=1))
        fitting = [child for child in children if child.pk not in self.reasons]
        if len(fitting) == 1:
            self.initial.setdefault("child", fitting[0].pk)
        days = sorted({day for service in services for day in service.weekdays})
        if days:
            self.fields["preferred_days"].choices = [(d, label) for d, label in Weekday.choices if d in days]
            self.fields["preferred_days"].help_text = _("I giorni in cui si svolge il servizio.")
            if len(days) == 1:
                self.initial.setdefault("preferred_days", days)

    def clean_child(self):
        child = self.cleaned_data["child"]
        if child.pk in self.reasons:
            raise forms.ValidationError(self.reasons[child.pk])
        return child

    def clean(self):
        data = super().clean()
        start, end = data.get("preferred_start"), data.get("preferred_end")
        if start and start < timezone.localdate():
            self.add_error("preferred_start", _("La data di inizio non può essere nel passato."))
        if start and end and end < start:
            self.add_error("preferred_end", _("La fine non può precedere l'inizio."))
        return data


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Messaggio"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(
        label=_("Allegato (facoltativo)"),
        required=False,
        validators=[validate_attachment],
        help_text=_("PDF o immagine, al massimo 5 MB."),
    )


class PayForm(forms.Form):
    """How the family pays an order: how much voucher to use (0 to min(balance, price), EUR) and how the rest.

    `price`: the order's price; `voucher_max`: min(balance, price) of the usable voucher, or None without one (the
    amount field is then left out and the voucher pays nothing). The method is required only when something is
    left to pay. Errors are Italian and name the bounds.
    """

    voucher_amount = forms.DecimalField(
        label=_("Quanto voucher usare (EUR)"),
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": _("Indica quanto voucher usare: anche 0."),
            "invalid": _("Scrivi un importo in euro, per esempio 20,50."),
            "max_decimal_places": _("Al massimo due decimali (i centesimi)."),
            "max_digits": _("L'importo è troppo grande."),
            "max_whole_digits": _("L'importo è troppo grande."),
        },
    )
    method = forms.ChoiceField(
        label=_("Come paghi la parte non coperta dal voucher"),
        choices=[("", _("Scegli"))] + [(m.value, m.label) for m in Payment.Method if m != Payment.Method.VOUCHER],
        required=False,
    )
    # A uuid4 hex from the order page; it ends up in the ledger's idempotency key (100 characters at most).
    attempt_key = forms.RegexField(
        regex=r"^[A-Za-z0-9_-]{1,64}\Z",
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={
            "invalid": _("La pagina di pagamento non è più valida: ricaricala e riprova."),
            "max_length": _("La pagina di pagamento non è più valida: ricaricala e riprova."),
            "required": _("La pagina di pagamento non è più valida: ricaricala e riprova."),
        },
    )

    def __init__(self, *args, price, voucher_max=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.price, self.voucher_max = price, voucher_max
        if voucher_max is None:
            del self.fields["voucher_amount"]
        else:
            self.fields["voucher_amount"].help_text = _(
                "Da 0 a %(max)s €: il voucher non paga più del suo saldo né più del prezzo. Il resto lo paghi all'ente."
            ) % {"max": formats.localize(voucher_max)}

    def clean_voucher_amount(self):
        amount = self.cleaned_data["voucher_amount"]
        if amount < 0:
            raise forms.ValidationError(_("L'importo del voucher non può essere negativo: scrivi 0 per non usarlo."))
        if amount > self.voucher_max:
            raise forms.ValidationError(
                _("Puoi usare al massimo %(max)s € di voucher: il saldo o il prezzo, il minore dei due.")
                % {"max": formats.localize(self.voucher_max)}
            )
        return amount.quantize(Decimal("0.01"))

    def clean(self):
        data = super().clean()
        voucher = data.get("voucher_amount", 0) if self.voucher_max is not None else 0
        if voucher is not None and self.price - voucher > 0 and not data.get("method"):
            self.add_error(
                "method",
                _("Scegli come pagare i restanti %(rest)s €.") % {"rest": formats.localize(self.price - voucher)},
            )
        return data

    def remainder(self):
        """EUR left to pay after the voucher part (after a valid submission)."""
        return self.price - (self.cleaned_data.get("voucher_amount") or 0)


class CancellationAskForm(forms.Form):
    reason = forms.CharField(
        label=_("Perché vuoi annullare l'acquisto"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Scrivi perché vuoi annullare l'acquisto: l'ente lo legge prima di decidere.")},
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Perché non sei d'accordo con l'ente"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Scrivi perché non sei d'accordo: il Comune lo legge prima di decidere.")},
    )


class CancellationAnswerForm(forms.Form):
    """The provider's or the City's answer to a request to cancel: a reason (required to refuse) and how the part
    paid to the provider is given back."""

    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    refund_reference = forms.CharField(
        label=_("Come viene rimborsata la parte pagata all'ente"),
        help_text=_("Per esempio il riferimento del bonifico di rimborso (facoltativo)."),
        max_length=100,
        required=False,
    )


class ConfirmPaymentForm(forms.Form):
    reference = forms.CharField(
        label=_("Riferimento (facoltativo)"),
        help_text=_("Numero della ricevuta o CRO del bonifico."),
        max_length=100,
        required=False,
    )


SCORES = [(n, str(n)) for n in range(1, 6)]


class RatingForm(forms.Form):
    overall = forms.TypedChoiceField(label=_("Giudizio complessivo (da 1 a 5)"), choices=SCORES, coerce=int)
    quality = forms.TypedChoiceField(label=_("Qualità"), choices=SCORES, coerce=int)
    punctuality = forms.TypedChoiceField(label=_("Puntualità"), choices=SCORES, coerce=int)
    courtesy = forms.TypedChoiceField(label=_("Cortesia"), choices=SCORES, coerce=int)
    comment = forms.CharField(
        label=_("Commento (facoltativo)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Sarà pubblicato sulla scheda del servizio dopo la verifica del Comune."),
    )


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Stato"), required=False)
    since = forms.DateField(label=_("Dal"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, states, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Tutti"))] + list(states)


class QuoteForm(forms.Form):
    price = forms.DecimalField(label=_("Prezzo (EUR)"), min_value=0, max_digits=10, decimal_places=2)
    start_date = forms.DateField(label=_("Data di inizio"), widget=DATE_WIDGET)
    schedule = forms.CharField(label=_("Orario"), max_length=255)
    notes = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    valid_until = forms.DateField(label=_("Valido fino al"), widget=DATE_WIDGET)

    def clean_valid_until(self):
        value = self.cleaned_data["valid_until"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("La validità non può essere già scaduta."))
        return value


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Motivo del rifiuto"), widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Risposta pubblica al giudizio"), widget=forms.Textarea(attrs={"rows": 3}))
