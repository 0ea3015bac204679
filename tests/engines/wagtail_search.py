"""Wagtail's Elasticsearch 9 search backend, as the site-wide search tests use it on the real engine.

Two test-harness adjustments, nothing more: the client sends plain JSON (`PlainJsonNode`, what
ELASTICSEARCH_COMPAT_HEADERS=0 selects for the catalogue: OpenSearch refuses Elasticsearch's
versioned media types), and every write refreshes the indices, so a page saved in a test is
searchable at once instead of after the engine's one-second refresh interval.
"""

from modelsearch.backends.elasticsearch9 import Elasticsearch9SearchBackend

from search.backends.elasticsearch import PlainJsonNode


class SearchBackend(Elasticsearch9SearchBackend):
    def __init__(self, params):
        params = {**params, "OPTIONS": {"node_class": PlainJsonNode, **params.get("OPTIONS", {})}}
        super().__init__(params)

    def add(self, obj):
        super().add(obj)
        self.refresh_indexes()

    def add_bulk(self, model, obj_list):
        super().add_bulk(model, obj_list)
        self.refresh_indexes()

    def delete(self, obj):
        super().delete(obj)
        self.refresh_indexes()
