"""Demo content of the home app: site, home page, minisite pages, snippets, settings and demo accounts.

Idempotent: every object is looked up first and created only when missing, so a second run adds no
rows and no revisions. `ensure_child` is the helper the other apps' demo modules reuse.
"""

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Page, Site

from core.vocabularies import Category
from home.models import (
    ContentPage,
    HomeCategory,
    HomePage,
    HomeStep,
    Partner,
    PartnersPage,
    SiteSettings,
    WellbeingDimension,
    WellbeingDimensionsPage,
)

DEMO_PASSWORD = "milano018-demo"
DEMO_ACCOUNTS = [
    # username, name, surname, is_superuser, groups
    ("admin", "Amministratrice", "Demo", True, []),
    ("redazione", "Giulia", "Redattrice", False, ["Editors"]),
    ("moderazione", "Marco", "Moderatore", False, ["Moderators"]),
]
DEMO_HOSTNAME = "localhost"
DEMO_PORT = 8000
SITE_NAME = "Milano 0.18"


def get_home() -> HomePage:
    return HomePage.objects.get()


def ensure_child(parent: Page, model: type[Page], slug: str, **fields) -> Page:
    """Return the child of `parent` with this slug; create and publish it (one revision) only when missing.

    `fields` are passed to the model's constructor, so they may include child relations
    (`steps=[HomeStep(...)]`) and parental many-to-many values. An existing page is returned as it is
    (editors' changes win); it must be of `model`'s type.
    """
    existing = Page.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        page = existing.specific
        if not isinstance(page, model):
            raise TypeError(f"/{slug}/ under {parent} is a {type(page).__name__}, not a {model.__name__}")
        return page
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def stream(*blocks) -> str:
    """StreamField raw data (JSON) from (block_type, value) pairs."""
    return json.dumps([{"type": block_type, "value": value} for block_type, value in blocks])


def heading(text: str, level: str = "h2") -> tuple:
    return ("heading", {"text": text, "level": level})


def paragraph(html: str) -> tuple:
    return ("paragraph", html)


def quote(text: str, attribution: str = "") -> tuple:
    return ("quote", {"text": text, "attribution": attribution})


def table(caption: str, header: list[str], rows: list[list[str]]) -> tuple:
    return (
        "table",
        {
            "data": [header, *rows],
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": caption,
        },
    )


def call_to_action(title: str, text: str, button_label: str, page: Page | None = None, url: str = "") -> tuple:
    return (
        "call_to_action",
        {"title": title, "text": text, "page": page.pk if page else None, "url": url, "button_label": button_label},
    )


def load(stdout) -> None:
    home = _home()
    site = _site(home)
    _demo_accounts()
    _dimensions()
    _partners()
    pages = _pages(home)
    _site_settings(site, pages)


# --- home page and site ----------------------------------------------------------------------

HERO_TITLE = "La città per le bambine e i bambini, le ragazze e i ragazzi"
HERO_TEXT = (
    "Milano 0.18 è il sistema del Comune di Milano per il benessere di tutte le bambine, i bambini, "
    "le ragazze e i ragazzi da 0 a 18 anni che abitano la città e delle loro famiglie: servizi, attività "
    "e opportunità costruiti ascoltando i loro desideri, nato dal progetto europeo WISH MI."
)
HIGHLIGHT_TITLE = "Voucher digitali: la graduatoria definitiva"
# The voucher call's outcome and spending period, as the seed presentation states them.
VOUCHER_OUTCOME = (
    "<p>Il 14 ottobre 2022 è stata pubblicata la graduatoria definitiva dei voucher digitali: <b>5.006 domande "
    "ammesse e finanziate</b>, con una dotazione di <b>2.100.000 euro</b>. Dal 18 ottobre 2022 il catalogo è online "
    "e si può usare il voucher, <b>da ottobre 2022 fino al 31 luglio 2023</b>.</p>"
)
HOW_IT_WORKS_INTRO = (
    "<p>Puoi cercare, personalizzare e acquistare attività per bambine e bambini, ragazzi e ragazze, "
    "gratuite o a pagamento, disponibili in città ed erogate dalla rete di <b>associazioni, cooperative e "
    "imprese sociali selezionate e qualificate dal Comune di Milano.</b></p>"
    "<p>Trova la soluzione ai tuoi bisogni in pochi e semplici passaggi:</p>"
)
STEPS = [
    "<p>Seleziona la categoria di servizi o attività di tuo interesse</p>",
    "<p>Scegli un servizio o un'attività e personalizzali attraverso i filtri a disposizione</p>",
    "<p>Seleziona la proposta di uno o più enti e <b>invia la richiesta</b> accedendo tramite SPID</p>",
    "<p>Attendi la risposta e <b>acquista direttamente on-line</b>, anche utilizzando i <b>voucher Milano 0.18</b></p>",
    "<p>Esprimi il tuo livello di gradimento sul servizio o sull'attività che hai acquistato</p>",
]


def _home_content() -> dict:
    return {
        "hero_title": HERO_TITLE,
        "hero_text": HERO_TEXT,
        "catalogue_title": "Scopri i servizi 0-18 anni",
        "highlight_title": HIGHLIGHT_TITLE,
        "highlight_text": VOUCHER_OUTCOME,
        "how_it_works_title": "Come funziona",
        "how_it_works_intro": HOW_IT_WORKS_INTRO,
        "steps": [HomeStep(text=text) for text in STEPS],
        "categories": [HomeCategory(code=category) for category in Category],
    }


def _home() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        for default in root.get_children().exact_type(Page):
            default.delete()
        return ensure_child(root, HomePage, "home", title=SITE_NAME, **_home_content())
    if not home.highlight_text:
        # A home page from before the highlight: add the voucher call's outcome once.
        home.highlight_title, home.highlight_text = HIGHLIGHT_TITLE, VOUCHER_OUTCOME
        home.save_revision().publish()
    if not home.categories.exists() and not home.steps.exists():
        # A home page from an earlier, barer demo: fill in the seed content once.
        for name, value in _home_content().items():
            if name in ("steps", "categories") or not getattr(home, name):
                setattr(home, name, value)
        home.save_revision().publish()
    return home


def _site(home: HomePage) -> Site:
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    wanted = {"root_page_id": home.pk, "hostname": DEMO_HOSTNAME, "port": DEMO_PORT, "site_name": SITE_NAME}
    if any(getattr(site, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(site, name, value)
        site.save()
    return site


def _demo_accounts() -> None:
    User = get_user_model()
    for name in {group for *_, groups in DEMO_ACCOUNTS for group in groups}:
        Group.objects.get_or_create(name=name)
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


# --- snippets ----------------------------------------------------------------------------------

# number, description, Bootstrap Italia icon (name and colour: core.vocabularies.Dimension)
DIMENSIONS = [
    (
        1,
        "Legami positivi con la famiglia, i coetanei, la scuola e la comunità: "
        "sentirsi ascoltati, accolti e sostenuti.",
        "it-comment",
    ),
    (
        2,
        "Prevenzione, cura e promozione della salute raggiungibili da tutte le famiglie, in ogni fase della crescita.",
        "it-plus-circle",
    ),
    (
        3,
        "Servizi educativi e scuole di qualità, sostegno allo studio e orientamento, dalla prima infanzia in poi.",
        "it-presentation",
    ),
    (
        4,
        "Sport, gioco e movimento vicino a casa, accessibili a ogni età e a ogni condizione.",
        "it-flag",
    ),
    (
        5,
        "Arte, musica, teatro, scienza e tecnologia per scoprire e coltivare i propri talenti.",
        "it-star-outline",
    ),
    (
        6,
        "Partecipare alle scelte che li riguardano e costruire il proprio percorso con crescente autonomia.",
        "it-unlocked",
    ),
    (
        7,
        "Piazze, parchi, biblioteche e luoghi di incontro sicuri, curati e pensati anche per bambini e ragazzi.",
        "it-map-marker",
    ),
]

# name, role, web site, description
PARTNERS = [
    ("Comune di Milano", Partner.Role.LEAD, "https://www.comune.milano.it/", "Capofila e coordinatore del progetto."),
    (
        "ABCittà",
        Partner.Role.PARTNER,
        "https://www.abcitta.org/",
        "Cooperativa sociale di partecipazione e co-progettazione.",
    ),
    (
        "ActionAid",
        Partner.Role.PARTNER,
        "https://www.actionaid.it/",
        "Organizzazione internazionale per i diritti e l'inclusione.",
    ),
    (
        "Fondazione Politecnico di Milano",
        Partner.Role.PARTNER,
        "https://www.fondazionepolitecnico.it/",
        "Fondazione per l'innovazione e il trasferimento tecnologico.",
    ),
    (
        "Politecnico di Milano - Dipartimento di Design",
        Partner.Role.PARTNER,
        "https://www.design.polimi.it/",
        "Co-progettazione dell'identità visiva e dei servizi digitali.",
    ),
    (
        "Università Cattolica del Sacro Cuore",
        Partner.Role.PARTNER,
        "https://www.unicatt.it/",
        "Ricerca, monitoraggio e valutazione dell'impatto.",
    ),
    (
        "UIA - Urban Innovative Actions",
        Partner.Role.FUNDER,
        "https://www.uia-initiative.eu/",
        "Iniziativa dell'Unione Europea che sostiene soluzioni urbane innovative.",
    ),
    (
        "Fondo Europeo di Sviluppo Regionale",
        Partner.Role.FUNDER,
        "https://ec.europa.eu/regional_policy/funding/erdf_it",
        "European Regional Development Fund (FESR) dell'Unione Europea.",
    ),
]


def _dimensions() -> None:
    for number, description, icon in DIMENSIONS:
        WellbeingDimension.objects.get_or_create(number=number, defaults={"description": description, "icon": icon})


def _partners() -> None:
    for order, (name, role, url, description) in enumerate(PARTNERS):
        Partner.objects.get_or_create(
            name=name, defaults={"role": role, "url": url, "description": description, "sort_order": order}
        )


# --- minisite pages ----------------------------------------------------------------------------

PARTNERS_TEXT = (
    "ABCittà, ActionAid, Fondazione Politecnico di Milano, Politecnico di Milano - Dipartimento di Design "
    "e Università Cattolica del Sacro Cuore"
)


def _project_body() -> str:
    return stream(
        heading("Un progetto da circa 6 milioni di euro"),
        paragraph(
            "<p>WISH MI è un progetto con un budget di <b>circa 6 mln di euro</b> coordinato dal Comune di Milano "
            "(Direzione Welfare e Salute, Direzione Educazione, Direzione Lavoro, Giovani e Sport, Area Relazioni "
            "Internazionali) e cofinanziato dall'Unione Europea attraverso il bando <b>Urban Innovative Actions "
            "(UIA)</b>, che fornisce risorse alle aree urbane europee al fine di testare soluzioni innovative per "
            "affrontare le sfide con cui oggi le nostre città sono chiamate a confrontarsi.</p>"
        ),
        heading("A chi si rivolge e perché"),
        paragraph(
            "<p>Il progetto si rivolge a tutte le bambine, i bambini, le ragazze e i ragazzi che abitano la città "
            "di Milano, circa 230.000, e alle loro famiglie, indipendentemente dalla loro situazione economica, "
            "sociale ed etnica.</p>"
            "<p>Ha come obiettivo generale lo sviluppo di <b>una strategia di interventi integrati, tra le "
            "Direzioni comunali e tra queste e la città</b>, per promuovere il benessere delle bambine, dei "
            "bambini, delle ragazze e dei ragazzi nella sua multidimensionalità. L'ascolto dei loro desideri e la "
            "coprogettazione dal basso sono le strategie principali.</p>"
            "<p>WISH MI vuole anche e soprattutto creare nuovi meccanismi istituzionali e sociali in grado di "
            "assicurare che le politiche e gli interventi siano costantemente monitorati, discussi e riorientati "
            "verso obiettivi integrati e condivisi dagli attori rilevanti, sia pubblici che privati.</p>"
        ),
        quote(
            "Insieme è possibile migliorare le capacità di lettura dei bisogni del territorio e disegnare così "
            "risposte che promuovano il benessere di tutte le bambine, i bambini, le ragazze e i ragazzi di Milano.",
            "WISH MI - Wellbeing Integrated System of Milan",
        ),
        heading("I voucher digitali: com'è andata"),
        paragraph(
            VOUCHER_OUTCOME + "<p>Le famiglie che non sono risultate beneficiarie possono comunque accedere ai servizi "
            "del catalogo, a pagamento.</p>"
        ),
        heading("I partner"),
        paragraph(
            f"<p>Il progetto è coordinato dal Comune di Milano, capofila, e vede come partner {PARTNERS_TEXT}.</p>"
        ),
        heading("Il cofinanziamento europeo"),
        paragraph(
            "<p>Questo progetto è co-finanziato dal <b>Fondo Europeo di Sviluppo Regionale</b> (European Regional "
            "Development Fund, ERDF) attraverso l'iniziativa <b>Urban Innovative Actions</b> (UIA) "
            "dell'Unione Europea.</p>"
        ),
        heading("Le azioni del progetto"),
        heading("Il piano strategico", "h3"),
        paragraph(
            "<p>Per aumentare il livello di benessere complessivo dei minori e delle loro famiglie sono state "
            "coinvolte le Direzioni e gli attori istituzionali che si occupano di sviluppo dei giovani. Una volta "
            "definito il piano strategico sono stati coinvolti i principali stakeholder: bambine e bambini, ragazze "
            "e ragazzi e famiglie. Parallelamente sono stati formati educatori, educatrici e assistenti sociali. "
            "L'impatto sulla città di Milano è costantemente monitorato e valutato.</p>"
        ),
        heading("L'identità visiva", "h3"),
        paragraph(
            "<p>Un percorso di co-progettazione ha portato alla definizione dell'identikit del sistema, a partire "
            "dal quale è stata sviluppata un'identità visiva aperta e dinamica, estesa poi a tutto il sistema "
            "WISH MI e disseminata nelle emanazioni del progetto all'interno del contesto cittadino.</p>"
        ),
        heading("La piattaforma digitale", "h3"),
        paragraph(
            "<p>La piattaforma digitale, co-progettata in modo collaborativo, ha la funzione di marketplace e "
            "permette l'acquisto dei servizi anche tramite voucher digitali.</p>"
        ),
        heading("I community hub", "h3"),
        paragraph(
            "<p>Presenti in diversi quartieri, gli hub territoriali garantiscono l'accesso fisico al sistema e sono "
            "realizzati all'interno di spazi pubblici: forniscono informazioni e accesso ai servizi socio-culturali "
            "ed educativi offerti dalla città, promuovono l'aggregazione e la messa in rete di servizi e opportunità "
            "già esistenti, favoriscono la co-progettazione di servizi innovativi e la partecipazione diretta delle "
            "comunità nella costruzione di politiche e servizi per il benessere di bambini e ragazzi.</p>"
        ),
    )


CHALLENGES_LIST = (
    "<ol>"
    "<li>Partecipazione a servizi educativi di qualità e accesso ai servizi sanitari (0-6 anni)</li>"
    "<li>Partecipazione ad attività extra-scolastiche (6-14 anni)</li>"
    "<li>Partecipazione alla vita sociale e promozione della mobilità sociale (14-18 anni)</li>"
    "<li>Segregazione scolastica (0-18 anni)</li>"
    "<li>Il ruolo del sistema educativo e scolastico nella promozione della mobilità sociale (0-18 anni)</li>"
    "<li>Disabilità, bisogni educativi speciali e/o problematiche multilivello (0-18 anni)</li>"
    "</ol>"
)


def _framework_body(dimensions_page: Page) -> str:
    dimensions = "".join(f"<li>{name}</li>" for _, name, *_ in DIMENSIONS)
    return stream(
        heading("Le sette dimensioni del benessere"),
        paragraph(
            "<p>Il framework strategico rappresenta la pluralità delle dimensioni che incidono sul benessere di "
            f"bambine e bambini, ragazze e ragazzi da 0 a 18 anni:</p><ol>{dimensions}</ol>"
        ),
        call_to_action(
            "Le dimensioni del benessere",
            "Scopri ciascuna dimensione e le sfide per la città che la riguardano.",
            "Vai alle dimensioni",
            page=dimensions_page,
        ),
        heading("L'identificazione delle sfide"),
        paragraph(
            "<p>Si è proceduto all'identificazione di <b>un elenco funzionale, sistematico e misurabile delle sfide "
            "specifiche per fasce di età e trasversali</b> all'interno di un framework strategico capace di "
            "rappresentare la pluralità delle dimensioni che impattano sul benessere di ragazze e ragazzi, bambini "
            "e bambine (0-18).</p>"
        ),
        heading("Le sfide per la città", "h3"),
        paragraph(CHALLENGES_LIST),
    )


MACRO_ACTIONS_TABLE = table(
    "Le quattro macroazioni in sintesi",
    ["Macroazione", "Che cosa prevede", "Risultati"],
    [
        [
            "1. Definizione condivisa di un sistema integrato di politiche e servizi",
            "Un sistema integrato di politiche e programmi tra le Direzioni comunali",
            "Proposta di Piano Strategico",
        ],
        [
            "2. Identità visiva del sistema delle politiche e dei servizi",
            "Coprogettazione e sperimentazione di un sistema di identità visiva",
            "Identità visiva «Milano 0.18»",
        ],
        [
            "3. Piattaforme digitali dedicate ai minori",
            "Minisito, catalogo digitale, voucher digitali, applicazioni «phy-gital»",
            "Catalogo Milano 0.18 e voucher digitali (€ 2.100.000,00)",
        ],
        [
            "4. Community hub",
            "Microanalisi territoriale, 7 community hub, progetti locali micro-personalizzati",
            "7 hub e voucher collettivi (€ 420.000,00)",
        ],
    ],
)


def _macro_actions_body() -> str:
    return stream(
        paragraph(
            "<p>Il progetto si articola in quattro macroazioni, le infrastrutture per le politiche del sistema "
            "Milano 0.18:</p>"
        ),
        MACRO_ACTIONS_TABLE,
        heading("1. Definizione di un sistema integrato di politiche e programmi"),
        paragraph(
            "<p><b>Risultato:</b> proposta di «Piano Strategico per un Sistema Integrato di Politiche e Programmi "
            "per Promuovere il Benessere delle Bambine, dei Bambini, delle Ragazze e dei Ragazzi a Milano».</p>"
        ),
        heading("2. Coprogettazione e sperimentazione di un sistema di identità visiva"),
        paragraph("<p>Per rendere visibile e riconoscibile il nuovo sistema di benessere «Milano 0.18».</p>"),
        heading("3. Piattaforme e applicazioni digitali"),
        paragraph(
            "<ul>"
            "<li><b>Minisito dedicato</b></li>"
            "<li><b>Catalogo digitale (catalogo Milano 0.18)</b> di opportunità erogate da operatori economici "
            "qualificati (profit e no profit) per promuovere l'accesso a servizi e attività per le e i minori "
            "0-18</li>"
            "<li><b>Sperimentazione di un sistema di voucher digitali</b> (€ 2.100.000,00) per facilitare "
            "l'accesso della fascia 0-18 a opportunità di benessere accessibili attraverso il Catalogo "
            "Milano 0.18</li>"
            "<li><b>Sviluppo di applicazioni e di un ambiente «phy-gital»</b> (fisico + digitale) che favoriscano "
            "l'ingaggio e la partecipazione della fascia 0-18 a proposte di volontariato civico attraverso "
            "tecniche di <i>gaming</i></li>"
            "</ul>"
        ),
        heading("4. Community hub e micro-progettazioni territoriali"),
        paragraph(
            "<ul>"
            "<li><b>Attività di microanalisi territoriale e di ingaggio</b></li>"
            "<li><b>7 community hub</b> come punti di accesso fisico al sistema, per promuovere la ricomposizione "
            "dei servizi a livello territoriale e sperimentare attività coprogettate con bambine, bambini, ragazze "
            "e ragazzi e le loro famiglie</li>"
            "<li><b>Sviluppo di progetti locali micro-personalizzati / voucher collettivi</b> (€ 420.000) in "
            "risposta ai desideri e ai bisogni di bambine, bambini, ragazze e ragazzi e delle loro famiglie</li>"
            "</ul>"
        ),
        heading("Gli obiettivi dei community hub", "h3"),
        paragraph(
            "<ol>"
            "<li>fornire informazioni e promuovere l'accesso a servizi socio-culturali ed educativi innovativi e di "
            "qualità offerti dalla città</li>"
            "<li>promuovere, a livello locale, l'aggregazione, la ricomposizione e la messa in rete di servizi e "
            "opportunità già esistenti</li>"
            "<li>promuovere la coprogettazione di servizi innovativi in un'ottica peer to peer</li>"
            "<li>promuovere la partecipazione diretta delle comunità nella costruzione di politiche e servizi per il "
            "benessere di bambine, bambini, ragazze e ragazzi</li>"
            "</ol>"
            "<p>Gli hub sono collocati presso <b>sedi comunali</b> individuate dall'Amministrazione.</p>"
        ),
    )


def _identity_body() -> str:
    return stream(
        heading("Un'identità coprogettata"),
        paragraph(
            "<p>La seconda macroazione del progetto ha previsto la <b>coprogettazione e la sperimentazione di un "
            "sistema di identità visiva</b>, per rendere visibile e riconoscibile il nuovo sistema di benessere "
            "«Milano 0.18».</p>"
            "<p>Un percorso di co-progettazione ha portato alla definizione dell'identikit del sistema, a partire "
            "dal quale è stata sviluppata un'identità visiva aperta e dinamica, estesa poi a tutto il sistema "
            "WISH MI e disseminata nelle emanazioni del progetto all'interno del contesto cittadino.</p>"
        ),
        heading("Colori e dimensioni del benessere"),
        paragraph(
            "<p>Ognuna delle sette dimensioni del benessere ha un proprio colore e una propria icona, che la rendono "
            "riconoscibile nel sito, nel catalogo e nei materiali del progetto. Tutti i colori garantiscono un "
            "contrasto adeguato con il testo bianco, come richiesto dalle linee guida di accessibilità.</p>"
        ),
        heading("Un sistema per tutta la città"),
        paragraph(
            "<p>L'identità visiva accompagna il minisito, il catalogo dei servizi 0-18 anni, i community hub e "
            "le comunicazioni del Comune di Milano rivolte a bambine, bambini, ragazze, ragazzi e famiglie.</p>"
        ),
    )


def _legal_notes_body() -> str:
    return stream(
        heading("Copyright e riuso dei contenuti"),
        paragraph(
            "<p>I contenuti di questo sito, salvo diversa indicazione, sono pubblicati dal Comune di Milano con "
            "licenza Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0): puoi riutilizzarli citando la "
            "fonte. Loghi, marchi e immagini dei partner restano dei rispettivi titolari.</p>"
        ),
        heading("Cookie e dati personali"),
        paragraph(
            "<p>Il sito usa solo cookie tecnici, elencati uno per uno nell'informativa sui cookie. Come il Comune "
            "tratta i dati personali è spiegato nelle informative privacy, una per ciascun trattamento: le trovi "
            "entrambe nel piè di pagina.</p>"
        ),
        heading("Collegamenti esterni"),
        paragraph(
            "<p>Il Comune di Milano non è responsabile dei contenuti dei siti esterni raggiungibili tramite "
            "collegamenti pubblicati su questo sito.</p>"
        ),
        heading("Cofinanziamento europeo"),
        paragraph(
            "<p>Milano 0.18 è stato realizzato nell'ambito del progetto <i>WISH MI - Wellbeing Integrated System of "
            "Milan</i>, co-finanziato dal Fondo Europeo di Sviluppo Regionale attraverso l'iniziativa Urban "
            "Innovative Actions. I contenuti riflettono solo il punto di vista degli autori; l'Unione Europea non "
            "è responsabile dell'uso che può essere fatto delle informazioni in essi contenute.</p>"
        ),
    )


CONTACT_EMAIL = "milano018@milano018.example"
CONTACT_PHONE = "02 02 02"
CONTACT_ADDRESS = "Comune di Milano, Piazza della Scala 2, 20121 Milano"


def _contacts_body() -> str:
    return stream(
        heading("Scrivici"),
        paragraph(
            f'<p>Per informazioni su Milano 0.18, sul catalogo dei servizi e sui voucher scrivi a <a href="mailto:'
            f'{CONTACT_EMAIL}">{CONTACT_EMAIL}</a>.</p>'
        ),
        heading("Chiamaci"),
        paragraph(
            f"<p>Il contact center del Comune di Milano risponde al numero <b>{CONTACT_PHONE}</b>, dal lunedì al "
            "sabato dalle 8:00 alle 20:00.</p>"
        ),
        heading("Vieni a trovarci"),
        paragraph(
            "<p>Nei sette community hub puoi ricevere informazioni e assistenza di persona: trovi indirizzi e "
            "orari nella sezione dedicata agli hub.</p>"
            f"<p>Sede del Comune: {CONTACT_ADDRESS}.</p>"
        ),
    )


def _pages(home: HomePage) -> dict[str, Page]:
    project = ensure_child(
        home,
        ContentPage,
        "progetto",
        title="Il progetto WISH MI",
        intro=(
            "WISH MI - Wellbeing Integrated System of Milan è il progetto del Comune di Milano, cofinanziato "
            "dall'Unione Europea, da cui nasce il sistema Milano 0.18 per il benessere di bambine, bambini, "
            "ragazze e ragazzi."
        ),
        body=_project_body(),
        show_in_menus=True,
    )
    dimensions = ensure_child(
        home,
        WellbeingDimensionsPage,
        "benessere",
        title="Le dimensioni del benessere",
        intro=(
            "Il benessere delle bambine, dei bambini, delle ragazze e dei ragazzi ha molte dimensioni: il "
            "framework strategico di Milano 0.18 ne individua sette, ciascuna collegata alle sfide per la città."
        ),
        show_in_menus=True,
    )
    ensure_child(
        home,
        PartnersPage,
        "partner",
        title="Partner e finanziatori",
        intro=(
            "Il sistema Milano 0.18 è stato realizzato nell'ambito del progetto WISH MI - Wellbeing Integrated "
            "System of Milan, coordinato dal Comune di Milano con i suoi partner e cofinanziato dall'Unione Europea."
        ),
        show_in_menus=True,
    )
    ensure_child(
        project,
        ContentPage,
        "framework",
        title="Il framework strategico",
        intro=(
            "Un framework capace di rappresentare la pluralità delle dimensioni che impattano sul benessere di "
            "bambine e bambini, ragazze e ragazzi, e un elenco misurabile di sfide per la città."
        ),
        body=_framework_body(dimensions),
        show_in_menus=True,
    )
    ensure_child(
        project,
        ContentPage,
        "macroazioni",
        title="Le macroazioni",
        intro="Le quattro macroazioni, infrastrutture per le politiche del sistema Milano 0.18, e i loro risultati.",
        body=_macro_actions_body(),
        show_in_menus=True,
    )
    ensure_child(
        project,
        ContentPage,
        "identita-visiva",
        title="L'identità visiva",
        intro="Un'identità visiva aperta e dinamica, coprogettata per rendere riconoscibile il sistema Milano 0.18.",
        body=_identity_body(),
        show_in_menus=True,
    )
    legal = {
        "legal_notes_page": (
            "note-legali",
            "Note legali",
            "Condizioni di riuso dei contenuti, collegamenti esterni e cofinanziamento europeo.",
            _legal_notes_body(),
        ),
        "contacts_page": (
            "contatti",
            "Contatti",
            "Come scrivere, telefonare o incontrare di persona chi si occupa di Milano 0.18.",
            _contacts_body(),
        ),
    }
    return {
        setting: ensure_child(home, ContentPage, slug, title=title, intro=intro, body=body, show_in_menus=False)
        for setting, (slug, title, intro, body) in legal.items()
    }


def _site_settings(site: Site, legal_pages: dict[str, Page]) -> None:
    settings = SiteSettings.for_site(site)
    wanted = {
        "email": CONTACT_EMAIL,
        "phone": CONTACT_PHONE,
        "address": CONTACT_ADDRESS,
        **{f"{name}_id": page.pk for name, page in legal_pages.items()},
    }
    missing = {name: value for name, value in wanted.items() if not getattr(settings, name)}
    if missing:
        for name, value in missing.items():
            setattr(settings, name, value)
        settings.save()
