"""`catalogue_index rebuild` rebuilds the catalogue search index; `catalogue_index check` lists drift;
`catalogue_index retry` writes the updates queued while Elasticsearch was unreachable.

With Elasticsearch, `rebuild` loads a new timestamped index and swaps the alias atomically, so
searches keep working throughout. Documents come from settings.SEARCH_DOCUMENT_SOURCE.
"""

from django.core.management.base import BaseCommand, CommandError

from search.api import SearchBackend, SearchUnavailable, get_backend
from search.backends.database import DatabaseBackend
from search.documents import document_source
from search.models import PendingIndexUpdate
from search.sync import retry

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Ricostruisce l'indice di ricerca del catalogo (rebuild) o ne verifica l'allineamento (check)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check", "retry"])
        parser.add_argument(
            "--backend",
            choices=["configured", "database"],
            default="configured",
            help="configured: Elasticsearch when ELASTICSEARCH_URL is set, else the database.",
        )

    def handle(self, *args, action, backend, **options):
        engine: SearchBackend = DatabaseBackend() if backend == "database" else get_backend()
        try:
            if action == "retry":
                self.stdout.write(self.style.SUCCESS(f"Aggiornamenti in attesa scritti: {retry()}."))
                return
            # Read before the documents: whatever was queued until now is covered by what follows.
            queued = list(PendingIndexUpdate.objects.values_list("pk", flat=True))
            docs = list(document_source())
            if action == "rebuild":
                self.rebuild_index(engine, docs, queued)
            else:
                self.check_index(engine, docs)
        except SearchUnavailable as error:
            raise CommandError(f"Server di ricerca non raggiungibile: {error}") from error

    def rebuild_index(self, engine: SearchBackend, docs, queued: list[int]) -> None:
        total = len(docs)
        self.stdout.write(f"Indicizzazione di {total} servizi ({engine.name})")

        def progress(done: int) -> None:
            filled = BAR_WIDTH * done // total if total else BAR_WIDTH
            self.stdout.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending="")
            self.stdout.flush()

        written = engine.rebuild(docs, progress=progress)
        if engine.name != "database":
            # The documents were read after these were queued: the new index already has their current state.
            PendingIndexUpdate.objects.filter(pk__in=queued).delete()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Indice ricostruito: {written} servizi."))

    def check_index(self, engine: SearchBackend, docs) -> None:
        """Report drift; named so as not to shadow BaseCommand.check (Django's system checks)."""
        drift = engine.check(docs)
        for label, ids in (("mancanti", drift.missing), ("in più", drift.extra), ("non aggiornati", drift.stale)):
            self.stdout.write(f"{label}: {', '.join(map(str, ids)) if ids else '-'}")
        if drift:
            raise CommandError("L'indice non è allineato: esegui `catalogue_index rebuild`.")
        self.stdout.write(self.style.SUCCESS(f"Indice allineato ({len(docs)} servizi)."))
