"""Forms of the collective-voucher call (Italian labels; every input checked here, rules in `services`)."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.forms import DATE_WIDGET, validate_attachment
from collective.models import Challenge, MicroProject, Referrer
from core.vocabularies import Descriptor, Municipio


class ApplicationCreateForm(forms.Form):
    """A new draft: the call (with a window open now) and the provider (one the user works for)."""

    call = forms.TypedChoiceField(label=_("Avviso"), coerce=int)
    provider = forms.TypedChoiceField(label=_("Ente"), coerce=int)

    def __init__(self, *args, calls, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [(call.pk, call.name) for call in calls]
        self.fields["provider"].choices = [(provider.id, provider.name) for provider in providers]


class ProjectForm(forms.ModelForm):
    """A micro-project; budget lines as text, one a line: «voce; importo in euro»."""

    challenges = forms.MultipleChoiceField(
        label=_("Sfide affrontate"), choices=Challenge.choices, widget=forms.CheckboxSelectMultiple
    )
    descriptors = forms.MultipleChoiceField(
        label=_("Descrittori del benessere"),
        choices=Descriptor.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    municipi = forms.TypedMultipleChoiceField(
        label=_("Municipi"), choices=Municipio.choices, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    budget = forms.CharField(
        label=_("Voci di spesa"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Una voce per riga: descrizione; importo in euro (es. «Educatori; 3200,00»)."),
    )

    class Meta:
        model = MicroProject
        fields = [
            "title",
            "challenges",
            "descriptors",
            "age_min",
            "age_max",
            "municipi",
            "venues",
            "planned_participants",
            "reserved_places",
            "starts_on",
            "ends_on",
            "amount_asked",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_budget(self) -> list[tuple[str, Decimal]]:
        lines = []
        for number, raw in enumerate(self.cleaned_data["budget"].splitlines(), start=1):
            if not raw.strip():
                continue
            description, _sep, amount = raw.rpartition(";")
            try:
                text = amount.strip()
                if "," in text:
                    text = text.replace(".", "").replace(",", ".")
                value = Decimal(text).quantize(Decimal("0.01"))
            except InvalidOperation:
                value = None
            if not description.strip() or value is None or not value.is_finite() or not 0 < value < 10**9:
                raise forms.ValidationError(_("Riga %(n)s: scrivi «descrizione; importo».") % {"n": number})
            lines.append((description.strip()[:255], value))
        if not lines:
            raise forms.ValidationError(_("Indica almeno una voce di spesa."))
        return lines


class DeclarationForm(forms.Form):
    """The member's declaration: the providers of the call they are tied to (none is a valid answer)."""

    conflicts = forms.TypedMultipleChoiceField(
        label=_("Enti con cui ho un conflitto di interessi"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    truthful = forms.BooleanField(
        label=_("Dichiaro che le informazioni sono vere e complete e che non ho altri conflitti di interessi.")
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conflicts"].choices = providers


class ScoreForm(forms.Form):
    """Points per criterion, each 0 to its weight."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.title} (0-{criterion.weight})",
                min_value=0,
                max_value=criterion.weight,
                max_digits=5,
                decimal_places=2,
            )

    def points(self) -> dict[int, Decimal]:
        return {criterion.pk: self.cleaned_data[f"c{criterion.pk}"] for criterion in self.criteria}


class ReconcileForm(forms.Form):
    score = forms.DecimalField(
        label=_("Punteggio finale concordato"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    reason = forms.CharField(label=_("Motivazione"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ParticipantForm(forms.Form):
    first_name = forms.CharField(label=_("Nome"), max_length=100)
    last_name = forms.CharField(label=_("Cognome"), max_length=100)
    fiscal_code = forms.CharField(label=_("Codice fiscale"), max_length=16)
    lives_in = forms.CharField(label=_("Comune di residenza o domicilio"), max_length=100)
    school_in = forms.CharField(
        label=_("Comune della scuola frequentata"),
        max_length=100,
        required=False,
        help_text=_("Basta che il bambino o la bambina viva, sia domiciliato/a o vada a scuola a Milano."),
    )


class ReferralForm(ParticipantForm):
    referrer = forms.ModelChoiceField(label=_("Servizio che segnala"), queryset=Referrer.objects.all())


class AcceptListForm(forms.Form):
    exception = forms.CharField(
        label=_("Motivo per cui la quota riservata non è raggiunta (solo se non lo è)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


class SessionForm(forms.Form):
    """One session of the attendance report."""

    held_on = forms.DateField(label=_("Data dell'incontro"), widget=DATE_WIDGET)
    present = forms.IntegerField(label=_("Partecipanti presenti"), min_value=0, max_value=10000)
    reserved_present = forms.IntegerField(
        label=_("Di cui con posto riservato"),
        min_value=0,
        max_value=10000,
        help_text=_("Bambini e ragazzi segnalati dai servizi del Comune o dalle scuole presenti all'incontro."),
    )


class CostForm(forms.Form):
    """One reported cost with its supporting document: a PDF or an image, checked by content (5 MB at most)."""

    description = forms.CharField(label=_("Voce di spesa"), max_length=255)
    amount = forms.DecimalField(label=_("Importo in euro"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
    document = forms.FileField(
        label=_("Documento giustificativo"), help_text=_("Fattura o ricevuta: PDF, JPEG o PNG, al massimo 5 MB.")
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        validate_attachment(upload)
        return upload


class ReportDecisionForm(forms.Form):
    """The City's decision on a report: a note to approve (optional), a reason to send back (required there)."""

    text = forms.CharField(
        label=_("Nota o motivo"),
        help_text=_("Per rinviare la rendicontazione all'ente il motivo è obbligatorio."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
