from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from home.models import Partner, WellbeingDimension


class WellbeingDimensionViewSet(SnippetViewSet):
    model = WellbeingDimension
    icon = "pick"
    menu_label = _("Dimensioni del benessere")
    list_display = ["number", "name", "colour"]
    ordering = ["number"]


class PartnerViewSet(SnippetViewSet):
    model = Partner
    icon = "group"
    menu_label = _("Partner e finanziatori")
    list_display = ["name", "role", "url"]
    list_filter = ["role"]


class MinisiteViewSetGroup(SnippetViewSetGroup):
    items = (WellbeingDimensionViewSet, PartnerViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Milano 0.18")
    menu_name = "milano018"


register_snippet(MinisiteViewSetGroup)
