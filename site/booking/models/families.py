"""Families: the guardian who signs in and their children, and the codice fiscale field both use."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.validators import fiscal_code_matches_birth_date, normalise_fiscal_code, validate_fiscal_code
from core.vocabularies import Municipio


class FiscalCodeField(models.CharField):
    """A codice fiscale, stored normalised (upper case, no spaces, no 'TINIT-' prefix)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("validators", [validate_fiscal_code])
        kwargs.setdefault("verbose_name", _("codice fiscale"))
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        """Migrations name the field by its public path, whichever module of the package defines it."""
        name, _path, args, kwargs = super().deconstruct()
        return name, "booking.models.FiscalCodeField", args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_fiscal_code(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": FiscalCodeFormField, "max_length": None, **kwargs})


class FiscalCodeFormField(forms.CharField):
    """Accepts what people type (lower case, spaces) and validates the normalised code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false", "maxlength": "24"})

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_fiscal_code(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalise_fiscal_code(value) if value else value


class Guardian(models.Model):
    """The parent or guardian who signs in, applies for vouchers and books for their children.

    A guardian imported from a voucher ranking has no user until they first sign in with SPID/CIE;
    `fiscal_code_verified` says the code came from SPID/CIE or from the City's ranking, not from a form.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="guardian"
    )
    first_name = models.CharField(_("nome"), max_length=150, blank=True)
    last_name = models.CharField(_("cognome"), max_length=150, blank=True)
    fiscal_code = FiscalCodeField()
    fiscal_code_verified = models.BooleanField(_("codice fiscale verificato"), default=False)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    municipio = models.PositiveSmallIntegerField(_("municipio"), choices=Municipio.choices, null=True, blank=True)
    # The services in the family's selection (ServicePage ids, in the order added): kept here as well as in the
    # session, so that signing out and back in, or on another device, finds the same selection (booking.selection).
    saved_selection = models.JSONField(_("selezione salvata"), default=list, blank=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("genitore")
        verbose_name_plural = _("genitori")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["fiscal_code"])]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_code"],
                condition=Q(fiscal_code_verified=True),
                name="booking_guardian_verified_fiscal_code_unique",
                violation_error_message=_("Esiste già un genitore verificato con questo codice fiscale."),
            )
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name} ({self.fiscal_code})" if name else self.fiscal_code


class Child(models.Model):
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(_("nome"), max_length=150)
    birth_date = models.DateField(_("data di nascita"))
    fiscal_code = FiscalCodeField()
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("figlia o figlio")
        verbose_name_plural = _("figlie e figli")
        ordering = ["birth_date", "first_name"]
        indexes = [models.Index(fields=["fiscal_code"])]
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "fiscal_code"],
                name="booking_child_fiscal_code_unique_per_guardian",
                violation_error_message=_("Hai già registrato una figlia o un figlio con questo codice fiscale."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} ({self.fiscal_code})"

    def clean(self) -> None:
        super().clean()
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("La data di nascita non può essere nel futuro.")})
        if (
            self.birth_date
            and self.fiscal_code
            and len(normalise_fiscal_code(self.fiscal_code)) == 16
            and not fiscal_code_matches_birth_date(self.fiscal_code, self.birth_date)
        ):
            raise ValidationError(
                {"fiscal_code": _("Il codice fiscale non corrisponde alla data di nascita indicata.")}
            )
