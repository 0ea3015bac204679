import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from monitoring.models import ResidentChildren
from monitoring.sources import AGE_BANDS

COLUMNS = ["anno", "codice_municipio", "fascia_eta", "residenti", "fonte", "sintetici"]


class Command(BaseCommand):
    help = (
        "Carica i residenti da 0 a 17 anni per municipio e fascia d'età da un CSV con colonne "
        + ", ".join(COLUMNS)
        + " (vedi monitoring/README.md). Sostituisce l'anno caricato; una riga sbagliata non carica nulla."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        bands = {code for code, _low, _high in AGE_BANDS}
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                if reader.fieldnames != COLUMNS:
                    raise CommandError(f"Intestazione attesa: {','.join(COLUMNS)}")
                rows = []
                for line, row in enumerate(reader, start=2):
                    try:
                        municipio, count, year = int(row["codice_municipio"]), int(row["residenti"]), int(row["anno"])
                    except (TypeError, ValueError):
                        raise CommandError(f"Riga {line}: anno, municipio e residenti sono numeri interi.") from None
                    if not 1 <= municipio <= 9 or row["fascia_eta"] not in bands or count < 0:
                        raise CommandError(
                            f"Riga {line}: municipio da 1 a 9, fascia tra {', '.join(sorted(bands))}, residenti ≥ 0."
                        )
                    rows.append(
                        ResidentChildren(
                            year=year,
                            municipio=municipio,
                            age_band=row["fascia_eta"],
                            count=count,
                            source=row["fonte"][:200],
                            synthetic=row["sintetici"].strip().lower() in {"si", "sì", "true", "1"},
                        )
                    )
        except OSError as error:
            raise CommandError(f"Non riesco a leggere {path}: {error}") from None
        with transaction.atomic():
            ResidentChildren.objects.filter(year__in={row.year for row in rows}).delete()
            ResidentChildren.objects.bulk_create(rows)
        self.stdout.write(f"{len(rows)} righe caricate.")
