"""Decisions on register applications: approval builds the provider's page, group and account; rejection explains.

Each decision runs in one transaction and writes its audit entry (core.audit); emails leave only after commit.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Site

from catalog.constants import ApplicationStatus
from catalog.models import (
    ProviderAdministrator,
    ProviderCategory,
    ProviderIndexPage,
    ProviderOffice,
    ProviderPage,
    RegisterApplication,
)
from catalog.register_call import RegisterCall
from catalog.workflow import grant_provider_permissions
from core.audit import log_action
from theme.mail import send_email


def _base_url() -> str:
    from django.conf import settings

    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def set_password_url(user) -> str:
    """An absolute link to Wagtail's «set a new password» page, valid like any password-reset link."""
    path = reverse(
        "wagtailadmin_password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return _base_url() + path


def _unique_slug(parent, base: str) -> str:
    slug = slugify(base)[:70] or "ente"
    candidate, n = slug, 2
    while parent.get_children().filter(slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _unique_username(base: str) -> str:
    User = get_user_model()
    name = slugify(base).replace("-", "")[:24] or "ente"
    candidate, n = name, 2
    while User.objects.filter(username=candidate).exists():
        candidate, n = f"{name}{n}", n + 1
    return candidate


def register_office_emails() -> list[str]:
    """Who is alerted of a new application: the register office, i.e. the active users (with an email) of the
    groups that decide applications (holding `catalog.change_registerapplication`: the «Redazione del Comune»
    from the workflow migration, or any group the City gives it). Sorted, one query."""
    User = get_user_model()
    return sorted(
        set(
            User.objects.filter(
                is_active=True,
                groups__permissions__content_type__app_label="catalog",
                groups__permissions__codename="change_registerapplication",
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def submit(form, call: RegisterCall) -> RegisterApplication:
    """Store a valid application received in `call`'s open window, give it its protocol code and log it; after
    commit the applicant gets the receipt (to the organisation's and the catalogue contact's addresses) and the
    register office an alert.

    Raises ValidationError if the call has no window open (the form closes with the call's windows).
    """
    if not call.is_open:
        raise ValidationError(_("La finestra di presentazione delle domande è chiusa."))
    with transaction.atomic():
        form.instance.call_id = call.page_id
        form.instance.window_label = call.current.label
        application = form.save()
        application.assign_protocol()
        log_action(
            None,
            "catalog.application.submitted",
            application,
            {"protocol": application.protocol, "call": call.page_id, "window": call.current.label},
            to_state=ApplicationStatus.SUBMITTED,
            actor_label="richiedente",
        )
        transaction.on_commit(lambda: _send_receipt(application, call))
    return application


def _check_pending(application: RegisterApplication) -> None:
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(
            _("La domanda è già stata decisa: %(status)s.") % {"status": application.get_status_display()}
        )


def approve(application: RegisterApplication, by) -> ProviderPage:
    """Admit the applicant: provider page (draft, to be completed), group limited to its subtree, invited user,
    who is the provider's first administrator (`catalog.operators`: invites the other operators)."""
    with transaction.atomic():
        application = RegisterApplication.objects.select_for_update().get(pk=application.pk)
        _check_pending(application)
        index = ProviderIndexPage.objects.first()
        if index is None:
            raise ValidationError(_("Manca la pagina «Enti» del catalogo: creala prima di ammettere gli enti."))
        page = ProviderPage(
            title=application.organisation_name,
            slug=_unique_slug(index, application.organisation_name),
            legal_name=application.organisation_name,
            legal_form=application.legal_form,
            tax_code=application.tax_code,
            vat_number=application.vat_number,
            contact_person=application.representative_name,
            contact_email=application.email,
            contact_phone=application.phone,
            website=application.website,
            description=f"<p>{_('Scheda in preparazione.')}</p>",
            live=False,
        )
        page.offices = [ProviderOffice(address=application.address)]
        page.categories = [ProviderCategory(category=row.category) for row in application.categories.all()]
        index.add_child(instance=page)
        page.save_revision(user=by, log_action=True)
        group = grant_provider_permissions(page)
        User = get_user_model()
        user = User.objects.create_user(
            username=_unique_username(application.organisation_name),
            email=application.contact_email,
            first_name=application.representative_name[:150],
        )
        user.set_unusable_password()
        user.save()
        user.groups.add(group)
        ProviderAdministrator.objects.create(provider=page, user=user)
        page.owner = user
        page.save(update_fields=["owner"])
        application.status = ApplicationStatus.APPROVED
        application.provider_page = page
        application.provider_user = user
        application.save(update_fields=["status", "provider_page", "provider_user"])
        log_action(
            by,
            "catalog.application.approved",
            application,
            {"provider_page": page.pk, "provider_user": user.pk, "group": group.pk},
            from_state=ApplicationStatus.SUBMITTED,
            to_state=ApplicationStatus.APPROVED,
        )
        transaction.on_commit(lambda: _send_invitation(application, user))
    return page


def reject(application: RegisterApplication, by, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Indica il motivo del rigetto: sarà inviato all'ente."))
    with transaction.atomic():
        application = RegisterApplication.objects.select_for_update().get(pk=application.pk)
        _check_pending(application)
        application.status = ApplicationStatus.REJECTED
        application.rejection_reason = reason
        application.save(update_fields=["status", "rejection_reason"])
        log_action(
            by,
            "catalog.application.rejected",
            application,
            from_state=ApplicationStatus.SUBMITTED,
            to_state=ApplicationStatus.REJECTED,
            reason=reason,
        )
        transaction.on_commit(lambda: _send_rejection(application))


def resend_invitation(application: RegisterApplication, by) -> None:
    """Send an approved provider a fresh set-password link (the first may be lost or expired); logged as a note.

    Raises ValidationError if the application is not approved or has no provider account.
    """
    with transaction.atomic():
        application = RegisterApplication.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.APPROVED or application.provider_user is None:
            raise ValidationError(_("Si può reinviare l'invito solo a un ente ammesso, con il suo utente."))
        log_action(
            by,
            "catalog.application.invitation_resent",
            application,
            {"provider_user": application.provider_user_id},
            reason=_("Invito reinviato a %(email)s") % {"email": application.contact_email},
        )
        user = application.provider_user
        transaction.on_commit(lambda: _send_invitation(application, user))


def _site_name() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return site.site_name if site and site.site_name else "Milano 0.18"


def _send_invitation(application: RegisterApplication, user) -> None:
    context = {"application": application, "user": user, "link": set_password_url(user), "site_name": _site_name()}
    send_email(
        _("Milano 0.18: l'ente è stato ammesso all'Elenco"),
        render_to_string("catalog/emails/invitation.txt", context),
        [application.contact_email],
    )


def _send_receipt(application: RegisterApplication, call: RegisterCall) -> None:
    context = {"application": application, "call": call, "site_name": _site_name(), "base_url": _base_url()}
    send_email(
        _("Milano 0.18: ricevuta della domanda %(protocol)s") % {"protocol": application.protocol},
        render_to_string("catalog/emails/receipt.txt", context),
        sorted({application.email, application.contact_email}),
    )
    office = register_office_emails()
    if office:
        context["link"] = _base_url() + reverse("register_applications:inspect", args=[application.pk])
        send_email(
            _("Elenco Milano 0-18: nuova domanda %(protocol)s da esaminare") % {"protocol": application.protocol},
            render_to_string("catalog/emails/new_application.txt", context),
            office,
        )


def _send_rejection(application: RegisterApplication) -> None:
    context = {"application": application, "site_name": _site_name()}
    send_email(
        _("Milano 0.18: esito della domanda di iscrizione all'Elenco"),
        render_to_string("catalog/emails/rejection.txt", context),
        [application.email],
    )
