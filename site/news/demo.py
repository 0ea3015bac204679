"""Demo content: the news of the project, from the facts in the seed presentation.

The demo's timeline is one school year, 2026/27, the catalogue's: the seeds' 2022/23 dates (calls, rankings,
news) are moved four years on, so news, calls, vouchers and services all belong to the same year.
"""

from datetime import date

from wagtail.rich_text import RichText

from core.demo_pages import menu_section, publish_child
from home.models import HomePage
from news.models import NewsIndexPage, NewsPage

# slug, date, title, intro, body (HTML), tags
NEWS = [
    (
        "sfide-per-la-citta",
        date(2026, 6, 20),
        "Le sei sfide per la città del Piano Strategico",
        "Il framework strategico di Milano 0.18 identifica sei sfide specifiche per fasce di età e trasversali.",
        "<p>Si è proceduto all'identificazione di un elenco funzionale, sistematico e misurabile delle sfide "
        "specifiche per fasce di età e trasversali, all'interno di un framework strategico capace di rappresentare "
        "la pluralità delle dimensioni che impattano sul benessere di ragazze e ragazzi, bambini e bambine.</p>"
        "<p>Le sfide vanno dalla partecipazione a servizi educativi di qualità nella fascia 0-6 anni fino al "
        "sostegno a disabilità, bisogni educativi speciali e problematiche multilivello.</p>",
        ["Sfide", "Piano strategico"],
    ),
    (
        "avviso-elenco-milano-0-18-finestre-settembre",
        date(2026, 9, 12),
        "Elenco Milano 0-18: le prossime finestre sono il 20 e il 26 settembre",
        "Enti profit e no profit possono chiedere l'ammissione all'Elenco Milano 0-18 nelle prossime due finestre.",
        "<p>L'avviso è finalizzato all'istituzione dell'Elenco Milano 0-18, formato da enti profit e no profit "
        "qualificati sulla base di requisiti di onorabilità, capacità professionale e tecnica, competenza "
        "organizzativa e gestionale.</p><p>Le prossime finestre per la presentazione delle domande di adesione "
        "sono il <b>20 settembre</b> e il <b>26 settembre</b>. L'avviso resterà aperto fino al 30 giugno 2027.</p>",
        ["Elenco Milano 0-18", "Avvisi", "Enti"],
    ),
    (
        "voucher-collettivi-prima-finestra",
        date(2026, 9, 15),
        "Voucher collettivi: prima finestra entro il 29 settembre 2026 alle ore 15:00",
        "Gli enti dell'Elenco Milano 0-18 possono proporre micro-progettazioni locali per gruppi di bambine, "
        "bambini, ragazze e ragazzi.",
        "<p>Le prime proposte di micro-progettazioni locali potranno pervenire entro il <b>29 settembre 2026 alle "
        "ore 15:00</b>, quale prima finestra della procedura. L'avviso dispone di 420.000 euro.</p>"
        "<p>Il 30% dei partecipanti previsti da ogni proposta dovrà essere riservato a bambini e ragazzi segnalati "
        "dai servizi del Comune o da istituti scolastici di Milano.</p>",
        ["Voucher collettivi", "Avvisi", "Enti"],
    ),
    (
        "graduatoria-voucher-digitali",
        date(2026, 10, 14),
        "Voucher digitali: pubblicata la graduatoria definitiva",
        "Sono 5.006 le domande ammesse e finanziate per i voucher digitali Milano 0.18.",
        "<p>Il 14 ottobre 2026 è stata pubblicata la graduatoria definitiva dei voucher digitali: <b>5.006</b> le "
        "domande ammesse e finanziate.</p><p>Ogni voucher ha un valore compreso tra 100 e 400 euro, in relazione "
        "all'ISEE dichiarato, ed è spendibile fino al 31 luglio 2027.</p>",
        ["Voucher digitali", "Famiglie"],
    ),
    (
        "catalogo-online",
        date(2026, 10, 18),
        "Dal 18 ottobre il catalogo Milano 0.18 è online",
        "Da oggi è possibile cercare le attività e i servizi per la fascia 0-18 e utilizzare il voucher.",
        "<p>Il catalogo raccoglie le attività di Sport, Arte, STEM, Salute e Scuola + offerte dagli enti ammessi "
        "all'Elenco Milano 0-18.</p><p>Le famiglie beneficiarie possono usare il voucher digitale per coprire in "
        "tutto o in parte il costo del servizio; le altre possono accedere ai servizi a pagamento.</p>",
        ["Catalogo", "Voucher digitali", "Famiglie"],
    ),
    (
        "commissione-micro-progettazioni",
        date(2026, 10, 27),
        "Nominata la commissione di valutazione delle micro-progettazioni locali",
        "La commissione sta avviando la valutazione delle prime proposte arrivate: 34 domande per circa 40 "
        "micro-progettazioni locali.",
        "<p>La commissione è composta da referenti delle diverse Direzioni coinvolte. Per essere finanziate, le "
        "micro-progettazioni locali dovranno raggiungere un punteggio di almeno 60 punti.</p>"
        "<p>Le attività dovranno concludersi entro il 31 agosto 2027, salvo proroghe comunicate "
        "dall'Amministrazione.</p>",
        ["Voucher collettivi", "Enti"],
    ),
    (
        "co-progettazione-community-hub",
        date(2026, 11, 8),
        "Community hub: in corso la co-progettazione dei primi 4 hub",
        "È in corso la co-progettazione di 4 dei 7 community hub; è in fase di pubblicazione l'avviso per "
        "co-progettare gli altri 3.",
        "<p>I community hub sono punti di accesso fisico al sistema Milano 0.18, collocati presso sedi comunali "
        "individuate dall'Amministrazione.</p><p>Forniranno informazioni sui servizi socio-culturali ed educativi "
        "della città, metteranno in rete le opportunità già esistenti e sperimenteranno attività co-progettate con "
        "bambine, bambini, ragazze, ragazzi e famiglie.</p>",
        ["Community hub"],
    ),
    (
        "volontariato-civico-gaming",
        date(2026, 11, 22),
        "Volontariato civico e gaming: l'avviso è in fase di definizione",
        "Un nuovo avviso raccoglierà proposte per coinvolgere la fascia 0-18 in attività di volontariato civico "
        "con tecniche di gaming.",
        "<p>Gli enti ammessi all'Elenco Milano 0-18 potranno partecipare all'avviso per la raccolta di proposte che "
        "favoriscano l'ingaggio e la partecipazione della fascia 0-18 ad attività di volontariato civico "
        "attraverso tecniche di gaming, in un ambiente «phy-gital» (fisico e digitale).</p>",
        ["Volontariato", "Avvisi"],
    ),
]


def load(stdout) -> None:
    home = HomePage.objects.get()
    index = menu_section(
        home,
        NewsIndexPage,
        "notizie",
        "Notizie",
        "Novità sulle attività del progetto WISH MI e del sistema Milano 0.18.",
    )
    for slug, day, title, intro, body, tags in NEWS:
        news = NewsPage(slug=slug, date=day, title=title, intro=intro, body=[("paragraph", RichText(body))])
        news.tags.add(*tags)
        publish_child(index, news)
