"""«Operatori dell'ente» in the Wagtail admin: a provider's administrators see its operators, invite and remove them.

The rules are in `catalog.operators`; these views only ask and show. Who may: the provider's administrators (and
superusers); anyone else gets 403.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import operators
from theme.input import parse_id


class InviteForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("Nome"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Cognome"), max_length=150)
    email = forms.EmailField(
        label=gettext_lazy("Email"), help_text=gettext_lazy("Riceverà l'invito a scegliere la password.")
    )
    admin = forms.BooleanField(
        label=gettext_lazy("Amministratore dell'ente"),
        required=False,
        help_text=gettext_lazy("Potrà a sua volta invitare e togliere gli operatori."),
    )


def _provider(request, provider_id):
    providers = operators.administered_providers(request.user)
    if provider_id is None:
        return None, providers
    return get_object_or_404(providers, pk=provider_id), providers


def operator_list(request):
    """The operators of the provider in `?ente=` (or of the only one the user administers), with the invitation
    form; a choice of providers for someone who administers several."""
    provider, providers = _provider(request, parse_id(request.GET.get("ente", "")))
    if provider is None:
        choices = list(providers[:2])
        if not choices:
            raise PermissionDenied
        if len(choices) == 1:
            provider = choices[0]
        else:
            return TemplateResponse(request, "catalog/admin/operator_providers.html", {"providers": providers})
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = operators.invite(provider, request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("Invito inviato a %(email)s: riceverà il collegamento per scegliere la password.")
                % {"email": user.email},
            )
            return redirect(f"{reverse('catalog_operators')}?ente={provider.pk}")
    return TemplateResponse(
        request,
        "catalog/admin/operators.html",
        {"provider": provider, "operators": operators.operators(provider), "form": form},
    )


def operator_remove(request, provider_id: int, user_id: int):
    """GET: ask to confirm; POST: take the operator off the provider (`catalog.operators.remove`)."""
    provider, _providers = _provider(request, provider_id)
    if provider is None:
        raise PermissionDenied
    user = get_object_or_404(get_user_model(), pk=user_id, groups=provider.group_id)
    back = f"{reverse('catalog_operators')}?ente={provider.pk}"
    if request.method == "POST":
        try:
            operators.remove(provider, request.user, user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(name)s non è più operatore dell'ente.") % {"name": user.get_full_name() or user.get_username()},
            )
        return redirect(back)
    return TemplateResponse(
        request, "catalog/admin/operator_remove.html", {"provider": provider, "operator": user, "back": back}
    )
