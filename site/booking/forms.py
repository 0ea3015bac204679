from django import forms
from django.utils.translation import gettext_lazy as _

from booking.models import Child, Guardian


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
