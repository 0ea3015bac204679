"""Demo content of the home app: the site, the home page and the demo accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Page, Site

from home.models import HomePage

DEMO_PASSWORD = "milano018-demo"
DEMO_ACCOUNTS = [
    # username, name, surname, is_superuser, groups
    ("admin", "Amministratrice", "Demo", True, []),
    ("redazione", "Giulia", "Redattrice", False, ["Editors"]),
    ("moderazione", "Marco", "Moderatore", False, ["Moderators"]),
]


def get_home() -> HomePage:
    return HomePage.objects.get()


def load(stdout) -> None:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        for default in root.get_children().exact_type(Page):
            default.delete()
        home = HomePage(
            title="Milano 0.18",
            slug="home",
            hero_title="La città per le bambine e i bambini, le ragazze e i ragazzi",
            hero_text=(
                "Milano 0.18 è il sistema del Comune di Milano per il benessere di tutte le bambine, "
                "i bambini, le ragazze e i ragazzi da 0 a 18 anni."
            ),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    if (site.root_page_id, site.hostname, site.site_name) != (home.pk, "localhost", "Milano 0.18"):
        site.root_page = home
        site.hostname = "localhost"
        site.port = 80
        site.site_name = "Milano 0.18"
        site.save()
    _demo_accounts()


def _demo_accounts() -> None:
    User = get_user_model()
    for username, first_name, last_name, is_superuser, groups in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@milano018.example",
                "is_staff": True,
                "is_superuser": is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set(Group.objects.filter(name__in=groups))
