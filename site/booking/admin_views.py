"""Staff views in the Wagtail admin: granting a wallet, importing a ranking."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView

from booking import imports, vouchers
from booking.forms import RankingImportForm
from booking.models import Wallet

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class WalletForm(WagtailAdminModelForm):
    class Meta:
        model = Wallet
        fields = ["call", "child", "holder", "value", "valid_from", "valid_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("valid_from", "valid_until"):
            self.fields[name].required = False
            self.fields[name].help_text = gettext_lazy("Se vuoto, quello dell'avviso.")

    def clean(self):
        data = super().clean()
        call = data.get("call")
        if call:
            data["valid_from"] = data.get("valid_from") or call.valid_from
            data["valid_until"] = data.get("valid_until") or call.valid_until
            self.instance.valid_from, self.instance.valid_until = data["valid_from"], data["valid_until"]
        child, holder = data.get("child"), data.get("holder")
        if child and holder and child.guardian_id != holder.pk:
            self.add_error("holder", _("Il titolare deve essere il genitore registrato della figlia o del figlio."))
        return data


class WalletCreateView(CreateView):
    """A wallet is only ever created with its grant entry, through booking.vouchers."""

    def save_instance(self):
        data = self.form.cleaned_data
        return vouchers.create_wallet(
            child=data["child"],
            holder=data["holder"],
            call=data["call"],
            value=data["value"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            actor=self.request.user,
        )


def import_ranking(request):
    if not request.user.has_perm("booking.add_wallet"):
        raise PermissionDenied
    form = RankingImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", forms.ValidationError(_("Il file supera i 5 MB.")))
        else:
            result = imports.import_ranking(upload.read(), actor=request.user)
            if result.ok:
                messages.success(
                    request,
                    _("Graduatoria importata: %(created)d voucher assegnati, %(skipped)d già presenti.")
                    % {"created": result.created, "skipped": result.skipped},
                )
                return redirect(reverse("booking_wallet:index"))
    return TemplateResponse(
        request,
        "booking/admin/import_ranking.html",
        {"form": form, "result": result, "columns": imports.COLUMNS},
    )
