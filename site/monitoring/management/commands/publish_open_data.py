from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from monitoring.opendata import DATASETS, write_all


class Command(BaseCommand):
    help = "Scrive i dati aperti del monitoraggio (CSV e JSON, CC-BY 4.0) e il catalogo DCAT-AP_IT."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=None,
            help="Indirizzo pubblico del sito (predefinito: WAGTAILADMIN_BASE_URL); i file sono in /dati-aperti/.",
        )

    def handle(self, *args, base_url=None, **options):
        base = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/") + "/dati-aperti"
        with tqdm(total=len(DATASETS), desc="Dati aperti", unit="dataset", file=self.stderr) as bar:
            written = write_all(base, progress=lambda dataset: bar.update(1))
        self.stdout.write(f"{len(written)} file scritti in {settings.OPEN_DATA_ROOT}.")
