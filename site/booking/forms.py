import datetime
import io

from django import forms
from django.utils import timezone
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
    method = forms.ChoiceField(
        label=_("Come paghi la parte non coperta dal voucher"),
        choices=[(m.value, m.label) for m in Payment.Method if m != Payment.Method.VOUCHER],
    )
    # A uuid4 hex from the order page; it ends up in the ledger's idempotency key (100 characters at most).
    attempt_key = forms.RegexField(regex=r"^[A-Za-z0-9_-]{1,64}\Z", widget=forms.HiddenInput, max_length=64)


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
