"""The public application form of the Elenco Milano 0-18."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import RegisterApplication
from catalog.validators import validate_pdf
from core.vocabularies import Category

ATTACHMENTS = [
    ("attachment_statute", _("Statuto o atto costitutivo"), True),
    ("attachment_profile", _("Presentazione dell'ente ed esperienze nel settore (curriculum)"), True),
    ("attachment_other", _("Altra documentazione (facoltativa)"), False),
]


class PdfField(forms.FileField):
    default_validators = [validate_pdf]
    widget = forms.ClearableFileInput(attrs={"accept": "application/pdf"})


class RegisterApplicationForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Categorie richieste"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Scegli almeno una categoria.")},
    )
    attachment_statute = PdfField(label=ATTACHMENTS[0][1])
    attachment_profile = PdfField(label=ATTACHMENTS[1][1])
    attachment_other = PdfField(label=ATTACHMENTS[2][1], required=False)

    class Meta:
        model = RegisterApplication
        fields = [*RegisterApplication.APPLICANT_FIELDS, *RegisterApplication.DECLARATION_FIELDS]
        labels = {
            "declares_honourability": _("Dichiaro che l'ente possiede i requisiti di onorabilità previsti dall'Avviso"),
            "declares_professional_capacity": _(
                "Dichiaro che l'ente possiede i requisiti di capacità professionale e tecnica"
            ),
            "declares_organisational_capacity": _(
                "Dichiaro che l'ente possiede i requisiti di competenza organizzativa e gestionale"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("declares_honourability", "declares_professional_capacity", "declares_organisational_capacity"):
            field = self.fields[name]
            field.required = True
            field.error_messages["required"] = _("La dichiarazione è obbligatoria per l'iscrizione all'Elenco.")
        self._style_widgets()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = f"{self.add_prefix(name)}-errors"

    def _style_widgets(self):
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
            else:
                field.widget.attrs.setdefault("class", "form-control")

    def clean_tax_code(self):
        return self.cleaned_data["tax_code"].strip().upper().replace(" ", "")

    def clean_representative_tax_code(self):
        return self.cleaned_data["representative_tax_code"].strip().upper().replace(" ", "")

    def save(self, commit=True):
        application = super().save(commit=True)
        for code in self.cleaned_data["categories"]:
            application.categories.create(category=code)
        for name, title, _required in ATTACHMENTS:
            uploaded = self.cleaned_data.get(name)
            if uploaded:
                application.attachments.create(title=str(title), file=uploaded)
        return application
