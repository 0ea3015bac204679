"""Demo content: seven community hubs in municipal premises, one in each of seven municipi."""

from datetime import time
from decimal import Decimal

from wagtail.rich_text import RichText

from core.demo_pages import menu_section, publish_child
from home.models import HomePage
from hubs.models import HubIndexPage, HubOpeningHours, HubPage

MORNING_AND_AFTERNOON = [(time(9), time(13)), (time(14, 30), time(18, 30))]
AFTERNOON = [(time(14), time(19))]
SATURDAY_MORNING = [(time(9, 30), time(13))]

# Weekly opening hours: weekday (0 = Monday) -> intervals; missing days are closed.
SCHEDULE_LIBRARY = {1: MORNING_AND_AFTERNOON, 2: MORNING_AND_AFTERNOON, 3: MORNING_AND_AFTERNOON,
                    4: MORNING_AND_AFTERNOON, 5: SATURDAY_MORNING}  # fmt: skip
SCHEDULE_AFTERNOONS = {0: AFTERNOON, 1: AFTERNOON, 2: AFTERNOON, 3: AFTERNOON, 4: AFTERNOON, 5: SATURDAY_MORNING}
SCHEDULE_ALTERNATE = {0: MORNING_AND_AFTERNOON, 1: AFTERNOON, 2: MORNING_AND_AFTERNOON, 3: AFTERNOON,
                      4: MORNING_AND_AFTERNOON}  # fmt: skip

# slug, title, venue, address, municipio, latitude, longitude, schedule
HUBS = [
    ("crescenzago", "Hub Crescenzago", "Biblioteca Crescenzago", "Via Don Orione 19", 2,
     "45.504800", "9.240600", SCHEDULE_LIBRARY),
    ("lambrate", "Hub Lambrate", "Biblioteca Valvassori Peroni", "Via Valvassori Peroni 56", 3,
     "45.484300", "9.238700", SCHEDULE_AFTERNOONS),
    ("calvairate", "Hub Calvairate", "Biblioteca Calvairate", "Via Ciceri Visconti 1", 4,
     "45.458500", "9.219500", SCHEDULE_ALTERNATE),
    ("chiesa-rossa", "Hub Chiesa Rossa", "Biblioteca Chiesa Rossa", "Via San Domenico Savio 3", 5,
     "45.432200", "9.176800", SCHEDULE_LIBRARY),
    ("lorenteggio", "Hub Lorenteggio", "Biblioteca Lorenteggio", "Via Odazio 9", 6,
     "45.449800", "9.135700", SCHEDULE_AFTERNOONS),
    ("gallaratese", "Hub Gallaratese", "Biblioteca Gallaratese", "Via Quarenghi 21", 8,
     "45.499600", "9.123200", SCHEDULE_ALTERNATE),
    ("niguarda", "Hub Niguarda", "Biblioteca Niguarda", "Via Passerini 5", 9,
     "45.519000", "9.191700", SCHEDULE_LIBRARY),
]  # fmt: skip

GOALS = (
    "<ul>"
    "<li>informazioni e accesso ai servizi socio-culturali ed educativi offerti dalla città;</li>"
    "<li>la messa in rete dei servizi e delle opportunità già presenti nel quartiere;</li>"
    "<li>la co-progettazione di servizi innovativi, in un'ottica tra pari;</li>"
    "<li>la partecipazione diretta della comunità alla costruzione di politiche e servizi per il benessere di "
    "bambine, bambini, ragazze e ragazzi.</li></ul>"
)


def load(stdout) -> None:
    home = HomePage.objects.get()
    index = menu_section(
        home,
        HubIndexPage,
        "hub",
        "Community hub",
        (
            "Sette community hub nelle sedi comunali sono i punti di accesso fisico al sistema Milano 0.18: "
            "qui bambine, bambini, ragazze, ragazzi e famiglie trovano informazioni, servizi e attività "
            "co-progettate."
        ),
    )
    for slug, title, venue, address, municipio, latitude, longitude, schedule in HUBS:
        hub = HubPage(
            title=title,
            slug=slug,
            description=(
                f"Il community hub del Municipio {municipio} ha sede presso la {venue}: un punto di accesso al "
                "sistema Milano 0.18 per informarsi sui servizi e le attività 0-18 del quartiere e partecipare "
                "alle attività co-progettate."
            ),
            address=address,
            municipio=municipio,
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
            phone="02 02 02",
            email=f"hub.{slug}@milano018.example",
            body=[
                ("heading", {"text": "Che cosa trovi all'hub", "level": "h2"}),
                ("paragraph", RichText(GOALS)),
            ],
        )
        hub.opening_hours = [
            HubOpeningHours(weekday=weekday, opens=opens, closes=closes)
            for weekday, intervals in schedule.items()
            for opens, closes in intervals
        ]
        publish_child(index, hub)
