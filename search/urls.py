from django.urls import path

from search import api_views

app_name = "search_api"

urlpatterns = [
    path("services/", api_views.services, name="services"),
    path("services/autocomplete/", api_views.autocomplete, name="autocomplete"),
    path("schema/", api_views.schema, name="schema"),
]
