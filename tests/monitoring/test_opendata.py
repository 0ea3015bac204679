"""Open data: DCAT-AP_IT metadata with every mandatory field, CSV that keeps codes as text, no small cell."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command

from booking.models import Order
from monitoring import opendata
from monitoring.figures import refresh
from tests.monitoring.events import event, funded_project

ROME = datetime.timezone(datetime.timedelta(hours=1))

# DCAT-AP_IT 1.1 mandatory properties (AgID profile) for each class.
CATALOGUE_FIELDS = ["dct:title", "dct:description", "dct:publisher", "dct:modified", "dcat:dataset"]
DATASET_FIELDS = [
    "dct:identifier",
    "dct:title",
    "dct:description",
    "dct:modified",
    "dcat:theme",
    "dct:rightsHolder",
    "dct:accrualPeriodicity",
    "dcat:distribution",
    "dcat:contactPoint",
    "dct:publisher",
]
DISTRIBUTION_FIELDS = ["dct:format", "dcat:accessURL", "dct:license"]


@pytest.fixture
def world(world_of_the_module):
    """Every test here uses it: built once for the module (`world_of_the_module`)."""
    return world_of_the_module


@pytest.fixture
def activity(world):
    when = datetime.datetime(2025, 9, 10, 10, tzinfo=ROME)
    for n in range(7):
        event(world, world.services[n % 2], municipio=5, age=8, when=when, order_state=Order.State.PAID)
    event(world, world.services[0], municipio=2, age=8, when=when, order_state=Order.State.PAID)
    return world


def test_the_dcat_ap_it_catalogue_has_every_mandatory_field(client, world):
    response = client.get("/dati-aperti/catalogo.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    catalogue = json.loads(response.content)
    for name in CATALOGUE_FIELDS:
        assert catalogue[name], name
    assert len(catalogue["dcat:dataset"]) == len(opendata.DATASETS)
    for dataset in catalogue["dcat:dataset"]:
        for name in DATASET_FIELDS:
            assert dataset[name], (dataset["dct:title"], name)
        assert dataset["dct:identifier"].startswith("c_f205:")
        assert dataset["dct:rightsHolder"]["dct:identifier"] == "c_f205"
        assert {d["dct:format"]["@id"].rsplit("/", 1)[1] for d in dataset["dcat:distribution"]} == {"CSV", "JSON"}
        for distribution in dataset["dcat:distribution"]:
            for name in DISTRIBUTION_FIELDS:
                assert distribution[name], name
            assert distribution["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
            assert distribution["dcat:accessURL"]["@id"].startswith("http://testserver/dati-aperti/")


def test_published_csv_keeps_leading_zeros_and_hides_small_cells(client, activity, settings, tmp_path):
    settings.OPEN_DATA_ROOT = tmp_path
    call_command("publish_open_data", base_url="https://milano018.example", stdout=io.StringIO(), stderr=io.StringIO())
    response = client.get("/dati-aperti/milano018-richieste-acquisti-mensili.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert {row["codice_istat_comune"] for row in rows} == {"015146"}
    cells = {(row["mese"], row["codice_municipio"]): row for row in rows}
    assert cells[("2025-09", "2")]["richieste"] == "<3"
    # 7 in Municipio 5 would give Municipio 2's 1 back from the month's total of 8: so it is hidden too.
    assert cells[("2025-09", "5")]["richieste"] == "<3"
    for month in {row["mese"] for row in rows}:
        line = [row["richieste"] for row in rows if row["mese"] == month]
        assert line.count("<3") != 1, (month, line)
    for path in tmp_path.glob("*.csv"):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            for column, value in row.items():
                if column.startswith(("richieste", "acquisti", "bambini")):
                    assert value not in {"1", "2"}, (path.name, row)
    catalogue = json.loads((tmp_path / "catalogo.jsonld").read_text(encoding="utf-8"))
    url = catalogue["dcat:dataset"][0]["dcat:distribution"][0]["dcat:accessURL"]["@id"]
    assert url.startswith("https://milano018.example/dati-aperti/milano018-")


def test_a_dataset_not_yet_published_is_a_clear_404(client, world, settings, tmp_path):
    settings.OPEN_DATA_ROOT = tmp_path
    assert client.get("/dati-aperti/milano018-spesa-voucher.csv").status_code == 404
    assert client.get("/dati-aperti/non-esiste.csv").status_code == 404
    page = client.get("/dati-aperti/")
    assert page.status_code == 200
    assert "Non ancora pubblicato" in page.content.decode()


def test_the_micro_projects_dataset_hides_small_counts_and_describes_its_columns(client, world, settings, tmp_path):
    settings.OPEN_DATA_ROOT = tmp_path
    born = datetime.date(2014, 5, 1)
    funded_project(world, "Cortili", challenges=["educazione-salute"], municipi=[2], participants=[])
    funded_project(
        world, "Robotica", challenges=["extrascolastiche"], municipi=[7], participants=[(born, n < 4) for n in range(6)]
    )
    refresh()
    call_command("publish_open_data", stdout=io.StringIO(), stderr=io.StringIO())
    response = client.get("/dati-aperti/milano018-micro-progettazioni.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    by_scope = {(row["tipo_ambito"], row["codice_ambito"]): row for row in rows}
    assert by_scope[("progetto", "tutti")]["micro_progettazioni_finanziate"] == "2"
    assert by_scope[("sfida", "2")]["posti_riservati_occupati"] == "4"
    assert by_scope[("municipio", "7")]["partecipanti"] == "6"
    assert by_scope[("municipio", "2")]["partecipanti"] == "0"  # zero reveals nobody
    assert by_scope[("municipio", "2")]["codice_istat_comune"] == "015146"
    for row in rows:
        assert row["partecipanti"] not in {"1", "2"} and row["posti_riservati_occupati"] not in {"1", "2"}
    document = json.loads(b"".join(client.get("/dati-aperti/milano018-micro-progettazioni.json").streaming_content))
    names = [field["name"] for field in document["schema"]["fields"]]
    assert names == list(rows[0]) and all(field["description"] for field in document["schema"]["fields"])
    page = client.get("/dati-aperti/").content.decode()
    assert page.count("Dizionario dei dati") == len(opendata.DATASETS)
    assert "posti_riservati_occupati" in page
