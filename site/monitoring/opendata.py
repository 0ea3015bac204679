"""Open data: the monitoring's datasets as CSV and JSON (CC-BY 4.0) with DCAT-AP_IT metadata.

Over 400 lines on purpose: the four datasets, their data dictionaries and the DCAT-AP_IT catalogue that
describes them are read together by whoever checks what the City publishes; split, each would need the others.

Each `Dataset` builds its rows with grouped queries (aggregates only; the micro-projects' from the figures of
the last refresh) and applies the small-cell rule of `monitoring.suppression`, secondary suppression included
where a table's totals are published. Each has a data dictionary (`fields`: name, Table Schema type,
description), published on /dati-aperti/ and as the `schema` of its JSON (Frictionless Table Schema).
`write_all()` writes `<identifier>.csv` (UTF-8, every code as text so "015146" keeps its zero) and
`<identifier>.json` into settings.OPEN_DATA_ROOT, then `catalogo.jsonld`; `catalogue()` is the DCAT-AP_IT
catalogue (JSON-LD) served at /dati-aperti/catalogo.jsonld.

DCAT-AP_IT (AgID, "Profilo nazionale dei metadati DCAT-AP_IT", v1.1) mandatory properties used here:
catalogue — title, description, publisher, modified, dataset; dataset — identifier, title, description,
modified, theme, rightsHolder, accrualPeriodicity, distribution, contactPoint, publisher;
distribution — format, accessURL, license.
"""

import csv
import datetime
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from booking.models import Order, Payment, ServiceRequest
from catalog import facts as catalog_facts
from challenges.models import ChallengePage
from core.vocabularies import Category, Municipio
from home.models import WellbeingDimension
from monitoring.figures import facts
from monitoring.models import ALL_PERIODS
from monitoring.projects import published_projects
from monitoring.suppression import HIDDEN, suppress_table

ISTAT_MILANO = "015146"  # the ISTAT code of the Comune di Milano, six digits, as text
IPA_MILANO = "c_f205"  # the Comune di Milano's code in the IPA index (the rights holder's identifier)
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
ALL = "tutti"


@dataclass(frozen=True)
class Field:
    """One column of a dataset in its data dictionary: `type` is a Table Schema type ("string", "integer",
    "number"); a people count's type says it may be "<3" in the description, the value stays text in the CSV."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Dataset:
    """One published dataset: its DCAT-AP_IT identity, its data dictionary and the function that builds its rows."""

    identifier: str
    title: str
    description: str
    theme: str  # an EU data-theme code (SOCI, EDUC, GOVE, ...)
    fields: list[Field]
    build: object  # () -> list[dict] with the columns as keys, values already suppressed

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def rows(self) -> list[dict]:
        return self.build()

    def schema(self) -> dict:
        """The data dictionary as a Frictionless Table Schema ({"fields": [{name, type, description}]})."""
        return {"fields": [{"name": f.name, "type": f.type, "description": f.description} for f in self.fields]}


SMALL = " Meno di 3 persone: «<3»."
ISTAT_FIELD = Field("codice_istat_comune", "string", "Codice ISTAT del Comune di Milano (015146), come testo.")
MUNICIPIO_FIELDS = [
    Field("codice_municipio", "string", "Numero del municipio (1-9), o «tutti» per il totale della città."),
    Field("municipio", "string", "Nome del municipio."),
]
MONTH_FIELD = Field("mese", "string", "Mese (AAAA-MM, ora di Roma), o «tutti» per il totale.")


def _month(value) -> str:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m")


def _municipio_row(number) -> dict:
    if number in (None, ALL):
        return {"codice_municipio": ALL, "municipio": "Tutta la città"}
    return {"codice_municipio": str(number), "municipio": str(Municipio(number).label)}


def services_rows() -> list[dict]:
    """Live services per municipio served and category; not people, so nothing is suppressed."""
    counts = defaultdict(lambda: {"servizi": 0, "accettano_voucher": 0, "gratuiti": 0})
    queryset = catalog_facts.live_services().order_by()
    for field, extra in (
        ("servizi", {}),
        ("accettano_voucher", {"voucher_accepted": True}),
        ("gratuiti", {"is_free": True}),
    ):
        for row in (
            queryset.filter(**extra)
            .values("served_municipi__municipio", "category")
            .annotate(n=Count("pk", distinct=True))
        ):
            counts[(row["served_municipi__municipio"], row["category"])][field] = row["n"]
    rows = []
    for (municipio, category), values in sorted(counts.items(), key=lambda item: (item[0][0] or 0, item[0][1])):
        if municipio is None:
            continue
        rows.append(
            {
                "codice_istat_comune": ISTAT_MILANO,
                **_municipio_row(municipio),
                "codice_categoria": category,
                "categoria": str(Category(category).label),
                **values,
            }
        )
    return rows


def _monthly_table(pairs: dict[tuple[str, int], dict[str, int]], metric: str, months: list[str]) -> dict:
    """Suppress one metric's month x municipio table with its totals; returns {(month|ALL, municipio|ALL): cell}."""
    numbers = [m.value for m in Municipio]
    matrix = [[pairs.get((month, number), {}).get(metric, 0) for number in numbers] for month in months]
    table = suppress_table(matrix) if matrix else [[0] * (len(numbers) + 1)]
    cells = {}
    for r, month in enumerate([*months, ALL]):
        for c, number in enumerate([*numbers, ALL]):
            cells[(month, number)] = table[r][c]
    return cells


def requests_orders_rows() -> list[dict]:
    """Requests and orders per month and family's municipio, with month and municipio totals, suppressed."""
    pairs: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    sources = (
        ("richieste", ServiceRequest.objects.all(), "guardian__municipio"),
        ("acquisti", Order.objects.exclude(state=Order.State.CANCELLED), "guardian__municipio"),
    )
    for metric, queryset, municipio in sources:
        grouped = (
            queryset.order_by()
            .exclude(**{municipio: None})
            .annotate(month=TruncMonth("created_at"))
            .values("month", municipio)
            .annotate(n=Count("pk"))
        )
        for row in grouped:
            pairs[(_month(row["month"]), row[municipio])][metric] = row["n"]
    months = sorted({month for month, _number in pairs})
    tables = {metric: _monthly_table(pairs, metric, months) for metric in ("richieste", "acquisti")}
    rows = []
    for month in [*months, ALL]:
        for number in [*[m.value for m in Municipio], ALL]:
            rows.append(
                {
                    "mese": month,
                    "codice_istat_comune": ISTAT_MILANO,
                    **_municipio_row(number),
                    "richieste": tables["richieste"][(month, number)],
                    "acquisti": tables["acquisti"][(month, number)],
                }
            )
    return rows


def voucher_spending_rows() -> list[dict]:
    """Voucher spending (EUR) and children it reached per month and family's municipio; the amount is
    hidden wherever the children's count is."""
    pairs: dict[tuple[str, int], dict[str, object]] = defaultdict(dict)
    grouped = (
        Payment.objects.filter(method=Payment.Method.VOUCHER, status=Payment.Status.CONFIRMED)
        .order_by()
        .exclude(order__guardian__municipio=None)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "order__guardian__municipio")
        .annotate(spent=Sum("amount"), children=Count("order__quote__request__child", distinct=True))
    )
    for row in grouped:
        key = (_month(row["month"]), row["order__guardian__municipio"])
        pairs[key] = {"children": row["children"], "spent": row["spent"]}
    months = sorted({month for month, _number in pairs})
    children = _monthly_table(pairs, "children", months)
    rows = []
    for month in [*months, ALL]:
        for number in [*[m.value for m in Municipio], ALL]:
            if month == ALL or number == ALL:
                spent = sum(
                    (
                        Decimal(v.get("spent") or 0)
                        for (m, n), v in pairs.items()
                        if month in (ALL, m) and number in (ALL, n)
                    ),
                    Decimal(0),
                )
            else:
                spent = Decimal(pairs.get((month, number), {}).get("spent") or 0)
            shown = children[(month, number)]
            rows.append(
                {
                    "mese": month,
                    "codice_istat_comune": ISTAT_MILANO,
                    **_municipio_row(number),
                    "bambini_raggiunti": shown,
                    "spesa_voucher_eur": HIDDEN if shown == HIDDEN else f"{spent:.2f}",
                }
            )
    return rows


KINDS = {"total": "progetto", "challenge": "sfida", "dimension": "dimensione", "municipio": "municipio"}


def micro_project_rows() -> list[dict]:
    """The micro-projects' published figures (`monitoring.projects`), from the last refresh, over all years."""
    challenges = dict(ChallengePage.objects.live().order_by("number").values_list("number", "title"))
    dimensions = {dimension.number: dimension.name for dimension in WellbeingDimension.objects.order_by("number")}
    return [
        {
            "tipo_ambito": KINDS[row["kind"]],
            "codice_ambito": ALL if row["kind"] == "total" else str(row["number"]),
            "ambito": row["name"],
            "codice_istat_comune": ISTAT_MILANO,
            "micro_progettazioni_finanziate": row["projects"],
            "posti_riservati": row["reserved"],
            "partecipanti": row["participants"],
            "posti_riservati_occupati": row["filled"],
        }
        for row in published_projects(facts(ALL_PERIODS, None), challenges, dimensions)
    ]


DATASETS = [
    Dataset(
        "milano018-servizi-offerti",
        "Milano 0.18 — servizi offerti nel catalogo",
        "Servizi pubblicati nel catalogo Milano 0.18 per municipio servito e categoria: quanti, quanti "
        "accettano il voucher e quanti sono gratuiti.",
        "EDUC",
        [
            ISTAT_FIELD,
            Field("codice_municipio", "string", "Numero del municipio servito (1-9)."),
            Field("municipio", "string", "Nome del municipio servito."),
            Field("codice_categoria", "string", "Codice della categoria del servizio nel catalogo."),
            Field("categoria", "string", "Nome della categoria."),
            Field("servizi", "integer", "Servizi pubblicati nel catalogo che servono il municipio."),
            Field("accettano_voucher", "integer", "Di questi, quanti accettano il voucher."),
            Field("gratuiti", "integer", "Di questi, quanti sono gratuiti."),
        ],
        services_rows,
    ),
    Dataset(
        "milano018-richieste-acquisti-mensili",
        "Milano 0.18 — richieste e acquisti per mese",
        "Richieste di servizi e acquisti confermati dalle famiglie per mese e municipio di residenza, con i "
        "totali. Valori inferiori a 3 indicati come «<3», anche dove i totali permetterebbero di ricavarli.",
        "SOCI",
        [
            MONTH_FIELD,
            ISTAT_FIELD,
            *MUNICIPIO_FIELDS,
            Field("richieste", "string", "Richieste di servizi inviate dalle famiglie del municipio." + SMALL),
            Field("acquisti", "string", "Acquisti confermati (non annullati) dalle famiglie del municipio." + SMALL),
        ],
        requests_orders_rows,
    ),
    Dataset(
        "milano018-spesa-voucher",
        "Milano 0.18 — spesa del voucher per mese",
        "Importo dei voucher spesi (EUR) e bambini e ragazzi raggiunti per mese e municipio di residenza, con "
        "i totali. Dove i bambini sono meno di 3 anche l'importo è nascosto.",
        "GOVE",
        [
            MONTH_FIELD,
            ISTAT_FIELD,
            *MUNICIPIO_FIELDS,
            Field("bambini_raggiunti", "string", "Bambini e ragazzi distinti i cui acquisti usano il voucher." + SMALL),
            Field(
                "spesa_voucher_eur",
                "string",
                "Parte degli acquisti pagata con il voucher, in euro con due decimali; «<3» dove lo sono i bambini.",
            ),
        ],
        voucher_spending_rows,
    ),
    Dataset(
        "milano018-micro-progettazioni",
        "Milano 0.18 — micro-progettazioni locali (voucher collettivi)",
        "Micro-progettazioni finanziate con i voucher collettivi, posti riservati ai bambini e ragazzi segnalati dai "
        "servizi sociali e dalle scuole, partecipanti negli elenchi nominativi e posti riservati occupati: per "
        "l'intero progetto, per sfida, per dimensione del benessere e per municipio. Una micro-progettazione conta "
        "in ogni sfida, dimensione e municipio che la riguarda. Valori inferiori a 3 persone indicati come «<3», "
        "anche dove il confronto con il totale permetterebbe di ricavarli.",
        "SOCI",
        [
            Field("tipo_ambito", "string", "«progetto» (tutto il progetto), «sfida», «dimensione» o «municipio»."),
            Field("codice_ambito", "string", "Numero della sfida (1-6), della dimensione (1-7) o del municipio (1-9)."),
            Field("ambito", "string", "Nome della sfida, della dimensione o del municipio."),
            ISTAT_FIELD,
            Field("micro_progettazioni_finanziate", "integer", "Micro-progettazioni finanziate."),
            Field("posti_riservati", "integer", "Posti riservati a bambini e ragazzi segnalati."),
            Field("partecipanti", "string", "Partecipanti iscritti negli elenchi nominativi." + SMALL),
            Field("posti_riservati_occupati", "string", "Posti riservati occupati da bambini segnalati." + SMALL),
        ],
        micro_project_rows,
    ),
]


def to_csv(dataset: Dataset, rows: list[dict]) -> str:
    """CSV text, UTF-8, comma-separated, every value as text (codes keep their leading zeros)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=dataset.columns, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: str(row[column]) for column in dataset.columns})
    return out.getvalue()


def to_json(dataset: Dataset, rows: list[dict]) -> str:
    return json.dumps(
        {
            "identifier": f"{IPA_MILANO}:{dataset.identifier}",
            "license": LICENSE_URL,
            "schema": dataset.schema(),
            "rows": [{column: str(row[column]) for column in dataset.columns} for row in rows],
        },
        ensure_ascii=False,
        indent=1,
    )


def catalogue(base_url: str, modified: datetime.date) -> dict:
    """The DCAT-AP_IT catalogue as JSON-LD; `base_url` is where /dati-aperti/ is served (no trailing slash)."""
    agent = {"@type": ["foaf:Agent", "dcatapit:Agent"], "foaf:name": "Comune di Milano", "dct:identifier": IPA_MILANO}
    contact = {
        "@type": ["vcard:Organization", "dcatapit:Organization"],
        "vcard:fn": "Comune di Milano — Milano 0.18",
        "vcard:hasEmail": f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}",
    }
    license_doc = {
        "@id": LICENSE_URL,
        "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"],
        "foaf:name": "CC BY 4.0",
        "dct:type": "https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40",
    }
    datasets = []
    for dataset in DATASETS:
        distributions = [
            {
                "@type": ["dcat:Distribution", "dcatapit:Distribution"],
                "dct:format": {"@id": f"{EU_FILE_TYPE}{kind.upper()}"},
                "dcat:accessURL": {"@id": f"{base_url}/{dataset.identifier}.{kind}"},
                "dct:license": license_doc,
                "dct:title": f"{dataset.title} ({kind.upper()})",
            }
            for kind in ("csv", "json")
        ]
        datasets.append(
            {
                "@type": ["dcat:Dataset", "dcatapit:Dataset"],
                "dct:identifier": f"{IPA_MILANO}:{dataset.identifier}",
                "dct:title": dataset.title,
                "dct:description": dataset.description,
                "dct:modified": {"@value": modified.isoformat(), "@type": "xsd:date"},
                "dcat:theme": {"@id": f"{EU_THEME}{dataset.theme}"},
                "dct:rightsHolder": agent,
                "dct:publisher": agent,
                "dcat:contactPoint": contact,
                "dct:accrualPeriodicity": {"@id": f"{EU_FREQUENCY}DAILY"},
                "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/ITA"},
                "dcat:distribution": distributions,
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "dcatapit": "http://dati.gov.it/onto/dcatapit#",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@type": ["dcat:Catalog", "dcatapit:Catalog"],
        "dct:title": "Dati aperti di Milano 0.18",
        "dct:description": "I dati aggregati del monitoraggio di Milano 0.18 (WISH MI), aggiornati ogni notte.",
        "dct:publisher": agent,
        "dct:modified": {"@value": modified.isoformat(), "@type": "xsd:date"},
        "foaf:homepage": {"@id": f"{base_url}/"},
        "dcat:dataset": datasets,
    }


def write_all(base_url: str, progress=None) -> list[Path]:
    """Write every dataset's CSV and JSON and the catalogue into OPEN_DATA_ROOT; returns the paths.

    `progress(dataset)` is called after each dataset (the command's progress bar). Files are written to
    a temporary name and renamed, so a reader never gets a half-written file.
    """
    root = Path(settings.OPEN_DATA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    written = []

    def write(name: str, text: str) -> None:
        partial = root / f".{name}.partial"
        partial.write_text(text, encoding="utf-8")
        partial.replace(root / name)
        written.append(root / name)

    for dataset in DATASETS:
        rows = dataset.rows()
        write(f"{dataset.identifier}.csv", to_csv(dataset, rows))
        write(f"{dataset.identifier}.json", to_json(dataset, rows))
        if progress:
            progress(dataset)
    write("catalogo.jsonld", json.dumps(catalogue(base_url, timezone.localdate()), ensure_ascii=False, indent=1))
    return written
