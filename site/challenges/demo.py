"""Demo content: the six challenges for the city from the strategic framework (seed presentation)."""

from wagtail.rich_text import RichText

from challenges.models import ChallengeIndexPage, ChallengePage
from core.demo_pages import menu_section, publish_child
from core.vocabularies import AgeBand
from home.models import HomePage, WellbeingDimension

# number, Bootstrap Italia icon (name and colour: core.vocabularies.Dimension). home/demo.py normally
# creates these rows; they are only created here when missing, so this module also works alone.
DIMENSIONS = [
    (1, "it-comment"),
    (2, "it-plus-circle"),
    (3, "it-presentation"),
    (4, "it-flag"),
    (5, "it-star-outline"),
    (6, "it-key"),
    (7, "it-map-marker"),
]

FRAMEWORK_TEXT = (
    "<p>La sfida fa parte dell'<b>elenco funzionale, sistematico e misurabile delle sfide specifiche per fasce "
    "di età e trasversali</b> individuato dal framework strategico di Milano 0.18, che rappresenta la pluralità "
    "delle dimensioni che incidono sul benessere di bambine e bambini, ragazze e ragazzi (0-18).</p>"
    "<p>Gli obiettivi delle micro-progettazioni locali (voucher collettivi) devono essere coerenti con le sei "
    "sfide cittadine prioritarie.</p>"
)

# number, title (seed), age band, description, dimension numbers
CHALLENGES = [
    (
        1,
        "Partecipazione a servizi educativi di qualità e accesso ai servizi sanitari",
        AgeBand.EARLY,
        "Garantire a tutte le bambine e i bambini da 0 a 6 anni la partecipazione a servizi educativi di qualità, "
        "come nidi e scuole dell'infanzia, e l'accesso ai servizi sanitari fin dai primi anni di vita.",
        [1, 2, 3],
    ),
    (
        2,
        "Partecipazione ad attività extra-scolastiche",
        AgeBand.CHILDHOOD,
        "Ampliare la partecipazione di bambine, bambini, ragazze e ragazzi da 6 a 14 anni ad attività sportive, "
        "artistiche, scientifiche e di sostegno scolastico fuori dall'orario di scuola.",
        [1, 4, 5],
    ),
    (
        3,
        "Partecipazione alla vita sociale e promozione della mobilità sociale",
        AgeBand.TEENS,
        "Favorire la partecipazione delle ragazze e dei ragazzi da 14 a 18 anni alla vita sociale della città e "
        "promuoverne la mobilità sociale, valorizzando desideri, talenti e capacità di scelta.",
        [1, 6, 7],
    ),
    (
        4,
        "Segregazione scolastica",
        AgeBand.ALL,
        "Contrastare la concentrazione di alunne e alunni in condizioni di svantaggio in alcune scuole e in alcuni "
        "quartieri, perché la scuola sia un luogo di incontro per tutte e per tutti.",
        [1, 3, 7],
    ),
    (
        5,
        "Il ruolo del sistema educativo e scolastico nella promozione della mobilità sociale",
        AgeBand.ALL,
        "Rafforzare la capacità della scuola e dei servizi educativi di ridurre le disuguaglianze di partenza e di "
        "accompagnare ogni bambina, bambino, ragazza e ragazzo verso le proprie opportunità.",
        [3, 5, 6],
    ),
    (
        6,
        "Disabilità, bisogni educativi speciali e/o problematiche multilivello",
        AgeBand.ALL,
        "Rispondere ai bisogni di bambine, bambini, ragazze e ragazzi con disabilità, bisogni educativi speciali o "
        "problematiche multilivello, con interventi integrati tra scuola, salute e servizi sociali.",
        [1, 2, 3, 7],
    ),
]


def dimensions_by_number() -> dict[int, WellbeingDimension]:
    for number, icon in DIMENSIONS:
        WellbeingDimension.objects.get_or_create(number=number, defaults={"icon": icon})
    return {dimension.number: dimension for dimension in WellbeingDimension.objects.all()}


def load(stdout) -> None:
    home = HomePage.objects.get()
    dimensions = dimensions_by_number()
    index = menu_section(
        home,
        ChallengeIndexPage,
        "sfide",
        "Sfide per la città",
        (
            "Le sfide specifiche per fasce di età e trasversali identificate nel Piano Strategico per promuovere "
            "il benessere delle bambine, dei bambini, delle ragazze e dei ragazzi di Milano."
        ),
    )
    for number, title, age_band, description, dimension_numbers in CHALLENGES:
        challenge = ChallengePage(
            title=title,
            slug=f"sfida-{number:02d}",
            number=number,
            age_band=age_band,
            description=description,
            body=[("paragraph", RichText(FRAMEWORK_TEXT))],
        )
        challenge.dimensions = [dimensions[n] for n in dimension_numbers]
        publish_child(index, challenge)
