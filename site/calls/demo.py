"""Demo content: the calls (avvisi) of the seed presentation, with the seeds' dates only.

The demo's timeline is one school year, 2026/27, the catalogue's: the seeds' 2022/23 dates (calls, rankings,
news) are moved four years on, so news, calls, vouchers and services all belong to the same year.

No window is invented: the register call carries its rule (open until 30 June 2027, applications in the
windows published on its page, those of 20 and 26 September 2026), the collective-voucher call its first
window (until 29 September 2026, 15:00) and the same deadline, and the civic-volunteering-with-gaming call,
"ancora in fase di definizione" in the seeds, has no dates at all, so it shows as "In definizione".
Calls are only created when missing, so a second run changes nothing.

The register's form follows its call's windows, and the seed's windows are long over: so the demo adds one call
that is plainly a demonstration, "Elenco Milano 0-18: finestre dimostrative", whose windows are placed around
the day the demo is loaded (one open now, one to come) and whose page says so.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.rich_text import RichText

from calls.models import CallDocument, CallIndexPage, CallPage, CallWindow
from core.demo_pages import menu_section, publish_child
from home.models import HomePage

ROME = ZoneInfo("Europe/Rome")


def rome(*args) -> datetime:
    return datetime(*args, tzinfo=ROME)


def calls() -> list[dict]:
    """The four calls of the seeds, then the demonstration call of the Elenco: title, summary, audience, body
    (HTML), deadline, whether it opens the register form, and windows."""
    return [
        {
            "slug": "elenco-milano-0-18",
            "title": "Avviso per l'Elenco Milano 0-18",
            "intro": "L'avviso istituisce l'Elenco Milano 0-18: gli enti profit e no profit qualificati che mettono "
            "a disposizione dei cittadini servizi e attività di Sport, Arte, STEM, Salute e Scuola +.",
            "audience": "Enti del Terzo Settore, imprese, associazioni e altri soggetti giuridici",
            "body": "<p>Le domande di adesione si presentano nelle finestre pubblicate su questa pagina, fino alla "
            "scadenza dell'avviso: le prime sono state il 20 e il 26 settembre 2026.</p>"
            "<p>Possono partecipare, in forma singola, enti profit e no profit: enti del Terzo Settore ai "
            "sensi del D.Lgs. 117/2017, imprese iscritte nel Registro della Camera di Commercio, altri soggetti "
            "associativi senza scopo di lucro e altri soggetti giuridici costituiti a norma di legge.</p>"
            "<p>L'ammissione all'Elenco consente di inserire le proprie attività nel catalogo online Milano 0.18 "
            "e di partecipare all'avviso per le micro-progettazioni locali.</p>",
            "deadline": rome(2027, 6, 30, 23, 59),
            "opens_register": True,
            "windows": [
                ("Finestra del 20 settembre 2026", rome(2026, 9, 20, 0, 0), rome(2026, 9, 20, 23, 59)),
                ("Finestra del 26 settembre 2026", rome(2026, 9, 26, 0, 0), rome(2026, 9, 26, 23, 59)),
            ],
        },
        {
            "slug": "voucher-digitali-famiglie",
            "title": "Avviso voucher digitali per le famiglie",
            "intro": "Voucher digitali da 100 a 400 euro, in base all'ISEE, per le famiglie con minori tra 0 e 18 "
            "anni, da spendere nel catalogo Milano 0.18.",
            "audience": "Genitori, tutori e genitori affidatari di minori tra 0 e 18 anni",
            "body": "<p>I voucher digitali sono un credito virtuale (dotazione di 2.100.000 euro) per accedere ai "
            "servizi degli enti ammessi all'Elenco Milano 0-18. Il voucher può coprire totalmente o parzialmente il "
            "costo del servizio ed è spendibile da ottobre 2026 fino al 31 luglio 2027.</p>"
            "<p>Il 14 ottobre 2026 è stata pubblicata la graduatoria definitiva: 5.006 domande ammesse e "
            "finanziate. Dal 18 ottobre 2026 il catalogo è online e il voucher si può usare.</p>",
            "deadline": None,
            "windows": [("Presentazione delle domande", rome(2026, 7, 18, 10), rome(2026, 9, 16, 12))],
        },
        {
            "slug": "micro-progettazioni-locali",
            "title": "Avviso micro-progettazioni locali (voucher collettivi)",
            "intro": "Raccolta di micro-progettazioni locali per attività di gruppo che promuovono il benessere di "
            "bambine, bambini, ragazze e ragazzi da 0 a 18 anni (420.000 euro).",
            "audience": "Enti già ammessi all'Elenco Milano 0-18",
            "body": "<p>Gli obiettivi delle micro-progettazioni devono essere coerenti con le sei sfide cittadine "
            "prioritarie. Una commissione di referenti delle Direzioni coinvolte le valuta: per essere finanziate "
            "devono raggiungere un punteggio di almeno 60 punti.</p>"
            "<p>Le attività sono rivolte a gruppi di bambine, bambini, ragazze e ragazzi da 0 a 18 anni residenti o "
            "domiciliati a Milano o iscritti in una scuola di Milano. <b>Il 30% dei partecipanti previsti è "
            "riservato</b> a bambini e ragazzi segnalati dai servizi del Comune o da istituti scolastici di "
            "Milano.</p>"
            "<p>Il finanziamento delle micro-progettazioni ammesse è vincolato alla trasmissione, al responsabile "
            "del progetto indicato dall'Amministrazione, dell'<b>elenco nominativo dei partecipanti</b>.</p>"
            "<p>Non è prevista una durata minima o massima, ma le attività devono concludersi <b>entro il 31 agosto "
            "2027</b>, salvo proroghe comunicate dall'Amministrazione.</p>"
            "<p>Le prime proposte sono arrivate entro il 29 settembre 2026 alle 15:00, prima finestra della "
            "procedura. Se le risorse non sono state tutte assegnate, o se se ne trovano di nuove, le finestre "
            "successive sono pubblicate su questa pagina fino alla scadenza dell'avviso, il 30 giugno 2027.</p>",
            "deadline": rome(2027, 6, 30, 23, 59),
            "windows": [("Prima finestra", rome(2026, 9, 1, 9), rome(2026, 9, 29, 15))],
        },
        {
            "slug": "volontariato-civico-gaming",
            "title": "Avviso volontariato civico e gaming",
            "intro": "Raccolta di proposte che favoriscano l'ingaggio e la partecipazione della fascia 0-18 ad "
            "attività di volontariato civico attraverso tecniche di gaming.",
            "audience": "Enti ammessi all'Elenco Milano 0-18",
            "body": "<p>L'avviso è ancora in fase di definizione: le date saranno pubblicate su questa pagina.</p>"
            "<p>Le proposte svilupperanno applicazioni e un ambiente «phy-gital» (fisico e digitale) per "
            "coinvolgere bambine, bambini, ragazze e ragazzi in attività di volontariato civico.</p>",
            "deadline": None,
            "windows": [],
        },
        demo_register_call(timezone.localdate()),
    ]


def demo_register_call(today) -> dict:
    """A demonstration call of the Elenco whose windows surround `today` (a date): one opened three days ago
    and closing in 25 days, one opening in 60 days for two weeks; in force for a year."""

    def at(days: int, hour: int) -> datetime:
        day = today + timedelta(days=days)
        return rome(day.year, day.month, day.day, hour, 0)

    return {
        "slug": "elenco-milano-0-18-finestre-dimostrative",
        "title": "Elenco Milano 0-18: finestre dimostrative",
        "intro": "Avviso dimostrativo: le sue finestre sono fissate attorno al giorno in cui il sito di prova è stato "
        "caricato, per mostrare il modulo di iscrizione all'Elenco aperto e la finestra successiva.",
        "audience": "Enti del Terzo Settore, imprese, associazioni e altri soggetti giuridici",
        "body": "<p>Questo avviso esiste solo nel sito dimostrativo. Le regole sono quelle dell'Avviso per l'Elenco "
        "Milano 0-18: le domande si presentano online durante le finestre pubblicate su questa pagina.</p>",
        "deadline": at(365, 12),
        "opens_register": True,
        "windows": [
            ("Finestra dimostrativa in corso", at(-3, 9), at(25, 12)),
            ("Finestra dimostrativa successiva", at(60, 9), at(74, 12)),
        ],
    }


def pdf(text: str) -> bytes:
    """A one-page PDF showing `text` (Latin-1), enough for a demo attachment."""
    line = text.encode("latin-1", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 14 Tf 56 780 Td (" + line + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def load(stdout) -> None:
    home = HomePage.objects.get()
    index = menu_section(
        home,
        CallIndexPage,
        "avvisi",
        "Avvisi",
        "Gli avvisi pubblici di Milano 0.18 per enti e famiglie, con le finestre per presentare le domande.",
    )
    Document = get_document_model()
    for data in calls():
        if index.get_children().filter(slug=data["slug"]).exists():
            continue
        document = Document(title=f"Testo dell'{data['title'][0].lower()}{data['title'][1:]}")
        document.file.save(f"{data['slug']}.pdf", ContentFile(pdf(data["title"])), save=False)
        document._set_document_file_metadata()
        document.save()
        call = CallPage(
            slug=data["slug"],
            title=data["title"],
            intro=data["intro"],
            audience=data["audience"],
            deadline=data["deadline"],
            opens_register=data.get("opens_register", False),
            body=[("paragraph", RichText(data["body"]))],
        )
        call.windows = [
            CallWindow(label=label, opens_at=opens, closes_at=closes) for label, opens, closes in data["windows"]
        ]
        call.documents = [CallDocument(document=document)]
        publish_child(index, call)
    if home.voucher_page_id is None:
        # The home page's «Il voucher 0-18» button leads to the families' voucher call.
        home.voucher_page = index.get_children().get(slug="voucher-digitali-famiglie")
        home.save_revision().publish()
