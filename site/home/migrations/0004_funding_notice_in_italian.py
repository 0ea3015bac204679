from django.db import migrations, models

OLD_NOTICE = (
    'Questo progetto è co-finanziato da "European Regional Development Fund" '
    "attraverso l'iniziativa \"Urban Innovative Actions\"."
)
NEW_NOTICE = (
    "Questo progetto è cofinanziato dal Fondo europeo di sviluppo regionale (FESR) attraverso l'iniziativa "
    "Azioni urbane innovative (UIA) dell'Unione europea."
)


def notice_in_italian(apps, schema_editor):
    """Sites still showing the old default (English names of the fund) get the Italian notice; edited ones stay."""
    apps.get_model("home", "SiteSettings").objects.filter(funding_notice=OLD_NOTICE).update(funding_notice=NEW_NOTICE)


def notice_as_before(apps, schema_editor):
    apps.get_model("home", "SiteSettings").objects.filter(funding_notice=NEW_NOTICE).update(funding_notice=OLD_NOTICE)


class Migration(migrations.Migration):
    dependencies = [("home", "0003_homepage_highlight_sitesettings_cookie_page")]

    operations = [
        migrations.AlterField(
            model_name="sitesettings",
            name="funding_notice",
            field=models.TextField(default=NEW_NOTICE, verbose_name="avviso di cofinanziamento europeo"),
        ),
        migrations.RunPython(notice_in_italian, notice_as_before),
    ]
