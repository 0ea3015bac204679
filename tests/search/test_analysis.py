"""The Italian analysis: the engine's analyzers, and search.analysis, their mirror for the database."""

from collections import Counter

import pytest

from search import analysis
from search.api import SearchQuery


@pytest.mark.parametrize(
    ("text", "stems"),
    [
        ("teatri", ["teatr"]),
        ("L'arte dell'infanzia", ["arte", "infanz"]),
        ("Attività all\u2019aperto", ["attivit", "apert"]),
        ("città parco parchi", ["citta", "parco", "parc"]),
        ("corsi di danza per i bimbi", ["corsi", "danza", "ballo", "bimbi", "bambin"]),
    ],
)
def test_stems_are_folded_stemmed_and_carry_synonyms(text, stems):
    assert analysis.stems(text) == stems


def test_folding_and_elision():
    assert analysis.folded("L'Attività è nell'aula") == ["attivita", "e", "aula"]
    assert analysis.fold("Perché") == "perche"


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u02bc", "`"])
def test_every_way_of_typing_an_apostrophe_cuts_the_same_words(apostrophe):
    # Typographic apostrophes come from word processors, the modifier letter and the backtick from phones.
    text = f"Laboratorio dell{apostrophe}Orto, all{apostrophe}aperto"
    assert analysis.tokens(text) == ["laboratorio", "dell'orto", "all'aperto"]
    assert analysis.stems(text) == ["laborator", "orto", "apert"]
    assert analysis.autocomplete_words(text) == ["laboratorio", "dell", "orto", "all", "aperto"]


def test_autocomplete_words_keep_articles():
    assert analysis.autocomplete_words("Laboratorio dell\u2019Orto") == ["laboratorio", "dell", "orto"]
    assert analysis.autocomplete_words("laboratorio dell'") == ["laboratorio", "dell"]


def test_query_words_drop_stop_words_and_duplicates():
    assert analysis.query_words("corsi di teatro e di Teatro, perche no") == ["corsi", "teatro", "no"]


def test_synonyms_come_from_the_repo_file():
    assert set(analysis.with_synonyms("calcio")) >= {"calcio", "calcetto"}
    assert analysis.with_synonyms("compiti") == ("compiti", "doposcuola")
    assert analysis.with_synonyms("marionette") == ("marionette",)
    assert "teatro, recitazione" in analysis.synonym_rules()


@pytest.mark.parametrize(
    ("a", "b", "limit", "expected"),
    [
        ("teatro", "teatro", 0, True),
        ("ab", "ac", 0, False),
        ("parc", "parco", 1, True),
        ("teator", "teatro", 1, True),  # a transposition is one edit, as in Lucene
        ("teator", "tutor", 2, True),
        ("centro", "teatri", 2, False),
        ("abc", "abcdef", 2, False),
    ],
)
def test_edit_distance(a, b, limit, expected):
    assert analysis.within_edits(a, b, limit) is expected


def test_fuzziness_follows_elasticsearchs_auto_4_8():
    assert analysis.FUZZINESS == "AUTO:4,8"
    assert [analysis.max_edits(t) for t in ("abc", "abcd", "abcdefg", "abcdefgh")] == [0, 1, 1, 2]


SAMPLE = (
    "L'arte dei teatri e le attività all\u2019aperto: laboratori, città, perché no? Un'estate in piscina "
    "con gli amici, dall'idea al robot, psicomotricità dell'infanzia, Laboratorio dell\u2019orto e corsi di "
    "programmazione."
)


def analyzed(es_catalogue, analyzer: str, text: str = SAMPLE) -> Counter:
    response = es_catalogue.client.indices.analyze(index=es_catalogue.alias, analyzer=analyzer, text=text)
    return Counter(token["token"] for token in response["tokens"])


def test_the_engines_analyzers_match_the_database_mirror(es_catalogue):
    """The database backend computes in Python what the engine's analyzers write and search."""
    typed = [t for t in analysis.tokens(SAMPLE) if analysis.query_folded(t) not in analysis.FOLDED_STOPWORDS]
    assert analyzed(es_catalogue, "it_text") == Counter(analysis.stems(SAMPLE))
    assert analyzed(es_catalogue, "it_text_search") == Counter(analysis.query_stem(t) for t in typed)
    assert analyzed(es_catalogue, "it_folded") == Counter(analysis.folded(SAMPLE))
    assert analyzed(es_catalogue, "it_folded_search") == Counter(
        analysis.query_folded(t) for t in analysis.tokens(SAMPLE)
    )
    assert analyzed(es_catalogue, "it_autocomplete") == Counter(analysis.autocomplete_words(SAMPLE))


def test_the_engines_italian_analysis_does_what_the_readme_says(es_catalogue):
    """Elision, folding, stemming, synonyms and the typo of a synonym, each seen in the hits."""

    def found(q: str) -> set[int]:
        return set(es_catalogue.search(SearchQuery(q=q, page_size=100)).ids)

    # Elision: "l'infanzia" (7) and "dell'infanzia" (28) are indexed as "infanzia", and the query elides too.
    assert found("infanzia") == found("dell'infanzia") == found("all\u2019infanzia") == {7, 28}
    # ASCII folding: "Attività" (14, 39) with or without its accent.
    assert found("attivita") == found("ATTIVITÀ") == {14, 39}
    # Light Italian stemming: the plural finds the singular and back.
    assert 1 in found("teatri") and 23 in found("laboratorio")
    # Synonyms from synonyms_it.txt: "Scuola calcio" (10) for calcetto, "teatro" (1) for recitazione.
    assert 10 in found("calcetto") and 1 in found("recitazione")
    # A one-letter typo of a synonym finds what the word finds.
    assert found("recitazone") == found("recitazione") == found("teatro") == {1, 2, 3, 37}
