"""Demo step: fill the catalogue search index from the demo catalogue (after `catalog`'s demo has run)."""

from search.api import SearchUnavailable, get_backend
from search.documents import document_source


def load(stdout) -> None:
    try:
        written = get_backend().rebuild(document_source())
    except SearchUnavailable as error:
        # The database table (the fallback) was rebuilt before Elasticsearch was tried.
        stdout.write(f"search: Elasticsearch non raggiungibile ({error}); indice del database ricostruito")
        return
    stdout.write(f"search: {written} servizi indicizzati")
