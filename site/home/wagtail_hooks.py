from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.admin_guards import SnippetChooserViewSetWithoutCreate
from home.models import Partner, WellbeingDimension


class WellbeingDimensionViewSet(SnippetViewSet):
    model = WellbeingDimension
    icon = "pick"
    menu_label = _("Dimensioni del benessere")
    list_display = ["number", "name"]
    ordering = ["number"]
    chooser_viewset_class = SnippetChooserViewSetWithoutCreate


class PartnerViewSet(SnippetViewSet):
    model = Partner
    icon = "group"
    menu_label = _("Partner e finanziatori")
    list_display = ["name", "role", "url"]
    list_filter = ["role"]
    chooser_viewset_class = SnippetChooserViewSetWithoutCreate


class MinisiteViewSetGroup(SnippetViewSetGroup):
    items = (WellbeingDimensionViewSet, PartnerViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Milano 0.18")
    menu_name = "milano018"


register_snippet(MinisiteViewSetGroup)


@hooks.register("construct_page_chooser_queryset")
def offer_only_pages_the_user_may_see(pages, request):
    """Page choosers (links in rich text, page fields) list published pages, plus the pages the user may edit.

    A page someone else is still drafting, or a live page whose pending draft renamed it, is left out for users who
    cannot edit it: its unpublished title would leak (a provider must not read another provider's drafts). City
    editors have rights on the whole tree and superusers see everything, so for them nothing changes.
    """
    user = request.user
    if user.is_superuser:
        return pages
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change", "publish"])
    unpublished = Q(live=False) | (Q(has_unpublished_changes=True) & ~Q(draft_title=F("title")))
    hidden = Page.objects.filter(unpublished).exclude(pk__in=editable.values("pk")).values_list("pk", flat=True)
    # A list of ids, not a subquery: the chooser's search runs this filter in the search backend too.
    return pages.exclude(id__in=list(hidden))
