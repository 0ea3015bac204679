"""Wagtail's Elasticsearch 9 search backend, as the site-wide search tests use it on the real engine.

Two test-harness adjustments, nothing more: the client sends plain JSON (`PlainJsonNode`, what
ELASTICSEARCH_COMPAT_HEADERS=0 selects for the catalogue: OpenSearch refuses Elasticsearch's
versioned media types), and a search first refreshes the indices written since the last search, so a
page saved in a test is searchable at once instead of after the engine's one-second refresh interval
(one refresh request per search after writes, instead of one per index after every write).
"""

from modelsearch.backends.elasticsearch9 import Elasticsearch9SearchBackend

from search.backends.elasticsearch import PlainJsonNode


class SearchBackend(Elasticsearch9SearchBackend):
    #: The names of the indices written since their last refresh. Wagtail makes a backend instance for each
    #: `get_search_backend()` (a page's save and the search view each have their own): the set is the class's.
    unrefreshed: set[str] = set()

    def __init__(self, params):
        params = {**params, "OPTIONS": {"node_class": PlainJsonNode, **params.get("OPTIONS", {})}}
        super().__init__(params)

    def add(self, obj):
        super().add(obj)
        self.unrefreshed.add(self.get_index_for_object(obj).name)

    def add_bulk(self, model, obj_list):
        super().add_bulk(model, obj_list)
        self.unrefreshed.add(self.get_index_for_model(model).name)

    def delete(self, obj):
        super().delete(obj)
        self.unrefreshed.add(self.get_index_for_object(obj).name)

    def _search(self, *args, **kwargs):
        """Wagtail's search and autocomplete, after one refresh of the indices written since the last search."""
        if self.unrefreshed:
            self.es.indices.refresh(index=",".join(sorted(self.unrefreshed)), ignore_unavailable=True)
            self.unrefreshed.clear()
        return super()._search(*args, **kwargs)
