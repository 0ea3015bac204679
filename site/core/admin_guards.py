"""Admin requests that would otherwise end in a 500: refused with a 4xx or an explained admin page (issue 18, item 8).

Two kinds:

- Deletes blocked by a protected reference (`on_delete=PROTECT`): Wagtail's generic DeleteView only knows the
  references its ReferenceIndex tracks, so deleting a voucher call with wallets or a family's user raised
  ProtectedError. `refuse_protected_delete` asks Django's deletion Collector first (read-only) and, when something
  blocks, shows the edit page with an Italian message naming what blocks it.
- Empty or malformed POSTs to a few views of Wagtail 8.0.1 that assume their own form's fields or a parent page:
  `WagtailAdminInputGuardMiddleware` answers 400 to exactly those requests, before the view runs. Each guard names
  the exception Wagtail would raise; every other request goes through untouched.
"""

from collections import Counter

from django.contrib.admin.utils import quote
from django.core.signing import BadSignature, Signer
from django.db import router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.views.generic.models import DeleteView
from wagtail.models import Page
from wagtail.snippets.views.chooser import SnippetChooserViewSet, SnippetCreateView


def deletion_blockers(obj) -> str:
    """What protects `obj` from deletion, as Italian text («2 voucher, 1 genitore»); "" when it can be deleted.

    Runs Django's deletion Collector, which only reads: the same check `obj.delete()` makes before deleting.
    """
    collector = Collector(using=router.db_for_write(type(obj)))
    try:
        collector.collect([obj])
    except ProtectedError as error:
        blocking = error.protected_objects
    except RestrictedError as error:
        blocking = error.restricted_objects
    else:
        return ""
    counts = Counter(type(item)._meta for item in blocking)
    return ", ".join(
        f"{count} {opts.verbose_name if count == 1 else opts.verbose_name_plural}" for opts, count in counts.items()
    )


def refuse_protected_delete(request, obj, back_url: str, hint: str = ""):
    """An admin redirect to `back_url` with an error message when `obj` cannot be deleted; None when it can.

    `hint` is an Italian sentence added to the message (what to do instead).
    """
    blockers = deletion_blockers(obj)
    if not blockers:
        return None
    message = _("«%(object)s» non si può eliminare: vi fanno riferimento dati da conservare (%(blockers)s).") % {
        "object": obj,
        "blockers": blockers,
    }
    messages.error(request, f"{message} {hint}".strip())
    return HttpResponseRedirect(back_url)


class ProtectedAwareDeleteView(DeleteView):
    """Wagtail's DeleteView that explains, instead of a 500, why a record referenced with PROTECT stays."""

    def run_before_hook(self):
        back_url = self.get_success_url()
        if self.edit_url_name:
            back_url = reverse(self.edit_url_name, args=(quote(self.object.pk),))
        return refuse_protected_delete(self.request, self.object, back_url) or super().run_before_hook()


class NoCreationChooserCreateView(SnippetCreateView):
    """404 for a snippet chooser's «create» URL when the chooser has no creation form.

    Wagtail 8.0.1 omits the chooser's «Create» tab when no creation form is configured, but still routes
    `.../create/`, whose POST then calls `None.is_valid()` (AttributeError, a 500).
    """

    def dispatch(self, request, *args, **kwargs):
        if self.get_creation_form_class() is None:
            raise Http404(_("Da questa finestra non si possono creare nuovi elementi."))
        return super().dispatch(request, *args, **kwargs)


class SnippetChooserViewSetWithoutCreate(SnippetChooserViewSet):
    """The snippet chooser, with `NoCreationChooserCreateView` for its create URL."""

    create_view_class = NoCreationChooserCreateView


def _bad_request():
    return HttpResponseBadRequest(_("Richiesta non valida: il modulo è incompleto o è stato alterato."))


def _field_present(name):
    def guard(request, view_kwargs):
        return None if name in request.POST else _bad_request()

    return guard


def _signed_fields(*names):
    def guard(request, view_kwargs):
        try:
            for name in names:
                Signer().unsign(request.POST.get(name, ""))
        except BadSignature:
            return _bad_request()
        return None

    return guard


def _not_on_root_page(kwarg):
    def guard(request, view_kwargs):
        if not Page.objects.filter(pk=view_kwargs.get(kwarg), depth=1).exists():
            return None
        return HttpResponseBadRequest(
            _("La radice dell'albero delle pagine non si può spostare, bloccare o sbloccare.")
        )

    return guard


# View name -> guard(request, view_kwargs) returning a 400 response or None. Wagtail 8.0.1's fault for each:
GUARDS = {
    # URLOrAbsolutePathField.to_python(None) calls None.startswith when the POST has no url field (AttributeError);
    # an empty one is a normal form error.
    "wagtailadmin_choose_page_external_link": _field_present("external-link-chooser-url"),
    # SetPagePositionView calls get_parent().permissions_for_user(): the root page has no parent (AttributeError).
    "wagtailadmin_pages:set_page_position": _not_on_root_page("page_to_move_id"),
    # Lock/UnlockView redirect to get_parent().id after the operation: the root has no parent (AttributeError).
    "wagtailadmin_pages:lock": _not_on_root_page("page_id"),
    "wagtailadmin_pages:unlock": _not_on_root_page("page_id"),
    # ConfirmImportManagementForm.clean reads cleaned_data[key] of fields that failed validation (KeyError), and
    # turns a bad signature into ValidationError(e.message), which BadSignature lacks (AttributeError). The two
    # fields are the ones start_import signed with Django's Signer.
    "wagtailredirects:process_import": _signed_fields("import_file_name", "input_format"),
}


class WagtailAdminInputGuardMiddleware:
    """Answer 400 to signed-in POSTs that Wagtail 8.0.1's views in `GUARDS` would turn into a 500.

    Placed after CsrfViewMiddleware and AuthenticationMiddleware: the CSRF check runs first, and anonymous
    requests keep Wagtail's redirect to its login page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        guard = GUARDS.get(request.resolver_match.view_name)
        return guard(request, view_kwargs) if guard else None
