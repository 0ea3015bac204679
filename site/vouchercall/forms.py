"""The family's application and appeal forms; every rule is checked again in vouchercall.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.forms import validate_attachment
from vouchercall.models import Application
from vouchercall.services import Declaration


class ApplicationForm(forms.ModelForm):
    children = forms.ModelMultipleChoiceField(
        label=_("Per chi chiedi il voucher"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Scegli almeno una figlia o un figlio.")},
    )

    class Meta:
        model = Application
        fields = list(Declaration.FIELDS)
        widgets = {"isee_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {
            "declared_residence": _("Dichiaro che la famiglia risiede a Milano."),
            "declared_truthful": _(
                "Dichiaro che quanto scritto è vero, consapevole delle conseguenze delle dichiarazioni false "
                "(artt. 46, 47 e 76 del DPR 445/2000)."
            ),
            "privacy_acknowledged": _("Ho letto l'informativa sul trattamento dei dati personali."),
        }

    def __init__(self, *args, guardian, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = guardian.children.all()
        self.fields["children"].label_from_instance = lambda child: f"{child.first_name} ({child.fiscal_code})"
        for name in ("declared_residence", "declared_truthful", "privacy_acknowledged"):
            self.fields[name].required = True
        if self.instance.pk:
            self.initial["children"] = [link.child_id for link in self.instance.children.filter(active=True)]

    def declaration(self) -> Declaration:
        return Declaration(**{name: self.cleaned_data[name] for name in Declaration.FIELDS})


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Perché chiedi il riesame"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    document = forms.FileField(
        label=_("Documento (facoltativo)"),
        required=False,
        validators=[validate_attachment],
        help_text=_("PDF, JPEG o PNG, al massimo 5 MB."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Esito"), choices=[("accept", _("Accogli")), ("reject", _("Respingi"))])
    reason = forms.CharField(label=_("Motivazione"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
