"""Request parameters to SearchQuery: what the API and the GET forms send, and the errors people see."""

import pytest
from django.http import QueryDict

from search.api import SearchQuery, SearchQueryError
from search.params import parse_params


def parse(query_string: str) -> SearchQuery:
    return parse_params(QueryDict(query_string))


def errors_of(query_string: str) -> dict[str, list[str]]:
    with pytest.raises(SearchQueryError) as error:
        parse(query_string)
    return error.value.errors


def test_empty_parameters_give_the_default_query():
    assert parse("") == SearchQuery()
    assert parse("").effective_sort == "newest"
    assert parse("q=teatro").effective_sort == "relevance"


def test_repeated_and_comma_separated_values_are_or_ed_sets():
    query = parse("category=arte&category=sport,stem&municipio=1&municipio=9,3&day=0&delivery=online")
    assert query.category == {"arte", "sport", "stem"}
    assert query.municipio == {1, 3, 9}
    assert query.day == {0} and query.delivery == {"online"}


def test_booleans_numbers_and_text():
    query = parse("q=  corsi   di  nuoto &free=true&voucher=no&age=7&provider=12&sort=-price&page=2&page_size=50")
    assert query.q == "corsi di nuoto"
    assert query.free == {True} and query.voucher == {False}
    assert (query.age, query.provider, query.sort, query.page, query.page_size) == (7, 12, "-price", 2, 50)
    assert query.offset == 50


@pytest.mark.parametrize(
    ("query_string", "param", "fragment"),
    [
        ("category=cucina", "category", "cucina"),
        ("municipio=10", "municipio", "da 1 a 9"),
        ("municipio=centro", "municipio", "centro"),
        ("free=forse", "free", "true o false"),
        ("delivery=posta", "delivery", "sede, domicilio, online"),
        ("day=7", "day", "lunedì"),
        ("wellbeing=felicita", "wellbeing", "body"),
        ("age=tre", "age", "numero intero"),
        ("age=25", "age", "tra 0 e 18"),
        ("age=-1", "age", "tra 0 e 18"),
        ("age=3&age=4", "age", "un solo valore"),
        ("provider=abc", "provider", "identificativo"),
        ("sort=prezzo", "sort", "relevance, price"),
        ("page=0", "page", "maggiore di zero"),
        ("page_size=101", "page_size", "da 1 a 100"),
        ("q=" + "a" * 201, "q", "200 caratteri"),
    ],
)
def test_each_bad_parameter_gets_an_italian_message(query_string, param, fragment):
    errors = errors_of(query_string)
    assert list(errors) == [param]
    assert fragment in errors[param][0]


def test_every_bad_parameter_is_reported_at_once():
    assert set(errors_of("municipio=0&age=x&sort=y&category=arte")) == {"municipio", "age", "sort"}


def test_a_query_object_validates_itself():
    with pytest.raises(SearchQueryError) as error:
        SearchQuery(municipio=frozenset({12}), page_size=0)
    assert set(error.value.errors) == {"municipio", "page_size"}
