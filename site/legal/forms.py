"""The two public forms: the page feedback (anonymous) and the accessibility report."""

from django import forms
from django.utils.translation import gettext_lazy as _

from legal.models import COMMENT_MAX_LENGTH, AccessibilityFeedback

# Bots fill every field; people never see this one (it is hidden from view and from assistive technology).
HONEYPOT = "sito_web"


class HoneypotMixin(forms.Form):
    sito_web = forms.CharField(required=False, label=_("Non compilare questo campo"))

    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT))


class VoteForm(HoneypotMixin):
    """Step 1: the page and a yes or a no."""

    page = forms.IntegerField(min_value=1)
    useful = forms.TypedChoiceField(choices=[("1", _("Sì")), ("0", _("No"))], coerce=lambda v: v == "1")


class DetailForm(HoneypotMixin):
    """Step 2 (optional): one reason from the short list that fits the answer, and a short comment."""

    reason = forms.ChoiceField(label=_("Motivo"), required=False, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Vuoi aggiungere qualcosa? (facoltativo)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
        help_text=_("Al massimo %(count)d caratteri. Non scrivere dati personali: la valutazione è anonima.")
        % {"count": COMMENT_MAX_LENGTH},
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(reason.value, reason.label) for reason in reasons]


class AccessibilityFeedbackForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = AccessibilityFeedback
        fields = ["page_url", "description", "email"]
        labels = {
            "page_url": _("Indirizzo o titolo della pagina (facoltativo)"),
            "description": _("Descrivi il problema che hai incontrato"),
            "email": _("La tua email, se vuoi una risposta (facoltativo)"),
        }
        help_texts = {
            "description": _("Per esempio: che cosa stavi facendo, con quale dispositivo e tecnologia assistiva."),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 6, "maxlength": 2000})}
