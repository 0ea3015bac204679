"""The shared Italian analysis: it has to agree with Elasticsearch's `italian` analyzer."""

import pytest

from search import analysis


@pytest.mark.parametrize(
    ("text", "stems"),
    [
        ("teatro teatri", ["teatr", "teatr"]),
        ("L'arte dell'infanzia", ["arte", "infanz"]),
        ("Attività all\u2019aperto", ["attivit", "apert"]),
        ("città parco parchi", ["città", "parco", "parc"]),
        ("corsi di nuoto per i ragazzi", ["corsi", "nuoto", "ragazz"]),
    ],
)
def test_stems_follow_the_light_italian_stemmer(text, stems):
    assert analysis.stems(text) == stems


def test_folding_and_elision():
    assert analysis.folded("L'Attività è nell'aula") == ["attivita", "e", "aula"]
    assert analysis.fold("Perché") == "perche"


def test_query_words_drop_stop_words_and_duplicates():
    assert analysis.query_words("corsi di teatro e di Teatro, perche no") == ["corsi", "teatro", "no"]


def test_synonyms_come_from_the_repo_file():
    assert set(analysis.alternatives("calcio")) >= {"calcio", "calcetto"}
    assert set(analysis.alternatives("Compiti")) >= {"Compiti", "doposcuola"}
    assert analysis.alternatives("marionette") == ("marionette",)


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


def test_auto_fuzziness_follows_elasticsearch():
    assert [analysis.max_edits(t) for t in ("ab", "abc", "abcde", "abcdef")] == [0, 1, 1, 2]


SAMPLE = (
    "L'arte dei teatri e le attività all\u2019aperto: laboratori, città, perché no? Un'estate in piscina "
    "con gli amici, dall'idea al robot, psicomotricità dell'infanzia e corsi di programmazione."
)


def test_stems_match_the_servers_italian_analyzer(es_client):
    tokens = es_client.indices.analyze(analyzer="italian", text=SAMPLE)["tokens"]
    assert [t["token"] for t in tokens] == analysis.stems(SAMPLE)
