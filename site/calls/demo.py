"""Demo content: the calls (avvisi) of the seed presentation, one for each status.

The closed windows keep the seed's real 2022 dates; the others are placed around the moment the demo
is first loaded, and are only created together with their call, so a second run changes nothing.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.rich_text import RichText

from calls.models import CallDocument, CallIndexPage, CallPage, CallWindow
from challenges.demo import publish_child
from home.models import HomePage

ROME = ZoneInfo("Europe/Rome")


def rome(*args) -> datetime:
    return datetime(*args, tzinfo=ROME)


def calls(now: datetime) -> list[dict]:
    return [
        {
            "slug": "elenco-milano-0-18",
            "title": "Avviso per l'Elenco Milano 0-18",
            "intro": "L'avviso istituisce l'Elenco Milano 0-18: gli enti profit e no profit qualificati che mettono "
            "a disposizione dei cittadini servizi e attività di Sport, Arte, STEM, Salute e Scuola +.",
            "audience": "Enti del Terzo Settore, imprese, associazioni e altri soggetti giuridici",
            "body": "<p>Possono partecipare, in forma singola, enti profit e no profit: enti del Terzo Settore ai "
            "sensi del D.Lgs. 117/2017, imprese iscritte nel Registro della Camera di Commercio, altri soggetti "
            "associativi senza scopo di lucro e altri soggetti giuridici costituiti a norma di legge.</p>"
            "<p>L'ammissione all'Elenco consente di inserire le proprie attività nel catalogo online Milano 0.18 "
            "e di partecipare all'avviso per le micro-progettazioni locali.</p>",
            "windows": [
                ("Finestra del 20 settembre", rome(2022, 9, 5, 9), rome(2022, 9, 20, 12)),
                ("Finestra del 26 settembre", rome(2022, 9, 21, 9), rome(2022, 9, 26, 12)),
                ("Finestra in corso", now - timedelta(days=7), now + timedelta(days=21)),
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
            "costo del servizio ed è spendibile da ottobre 2022 fino al 31 luglio 2023.</p>"
            "<p>Il 14 ottobre 2022 è stata pubblicata la graduatoria definitiva: 5.006 domande ammesse e "
            "finanziate.</p>",
            "windows": [("Presentazione delle domande", rome(2022, 7, 18, 10), rome(2022, 9, 16, 12))],
        },
        {
            "slug": "micro-progettazioni-locali",
            "title": "Avviso micro-progettazioni locali (voucher collettivi)",
            "intro": "Raccolta di micro-progettazioni locali per attività di gruppo che promuovono il benessere di "
            "bambine, bambini, ragazze e ragazzi da 0 a 18 anni (420.000 euro).",
            "audience": "Enti già ammessi all'Elenco Milano 0-18",
            "body": "<p>Gli obiettivi delle micro-progettazioni devono essere coerenti con le sei sfide cittadine "
            "prioritarie. Una commissione di referenti delle Direzioni coinvolte le valuta: per essere finanziate "
            "devono raggiungere un punteggio di almeno 60 punti.</p><p>Il 30% dei partecipanti previsti è "
            "riservato a bambini e ragazzi segnalati dai servizi del Comune o da istituti scolastici di Milano.</p>",
            "windows": [
                ("Prima finestra", rome(2022, 9, 1, 9), rome(2022, 9, 29, 15)),
                ("Seconda finestra", now + timedelta(days=14), now + timedelta(days=45)),
            ],
        },
        {
            "slug": "volontariato-civico-gaming",
            "title": "Avviso volontariato civico e gaming",
            "intro": "Raccolta di proposte che favoriscano l'ingaggio e la partecipazione della fascia 0-18 ad "
            "attività di volontariato civico attraverso tecniche di gaming.",
            "audience": "Enti ammessi all'Elenco Milano 0-18",
            "body": "<p>Le proposte svilupperanno applicazioni e un ambiente «phy-gital» (fisico e digitale) per "
            "coinvolgere bambine, bambini, ragazze e ragazzi in attività di volontariato civico.</p>",
            "windows": [("Presentazione delle proposte", now + timedelta(days=30), now + timedelta(days=75))],
        },
    ]


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
    index = publish_child(
        home,
        CallIndexPage(
            title="Avvisi",
            slug="avvisi",
            show_in_menus=True,
            intro="Gli avvisi pubblici di Milano 0.18 per enti e famiglie, con le finestre per presentare le domande.",
        ),
    )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    Document = get_document_model()
    for data in calls(now):
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
            body=[("paragraph", RichText(data["body"]))],
        )
        call.windows = [
            CallWindow(label=label, opens_at=opens, closes_at=closes) for label, opens, closes in data["windows"]
        ]
        call.documents = [CallDocument(document=document)]
        publish_child(index, call)
