"""Italian text analysis: the Elasticsearch index's analysis chain, and its mirror for the database.

The engine does the work with its own filters (see `search.backends.elasticsearch`): standard
tokenizer, elision, lowercase, ASCII folding, the synonyms of `synonyms_it.txt` (a `synonym_graph`
filter, at index time), Italian stop words and Lucene's light Italian stemmer, plus a folded form
(no stop words, no stemming). The database backend has no engine, so this module computes the same
tokens in Python; the contract suite and `_analyze` checks keep the two equal.

Synonyms are added to the indexed text, not to the query: a query word (and so a typo of it,
within `FUZZINESS`) meets every word of its synonym group already in the index, so
"recitazone" finds what "teatro" finds. Changing the synonym list needs `catalogue_index rebuild`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

#: Lucene ItalianAnalyzer's elided articles ("l'arte" -> "arte").
ARTICLES = frozenset(
    ("c", "l", "all", "dall", "dell", "nell", "sull", "coll", "pell", "gl", "agl", "dagl", "degl", "negl", "sugl")
    + ("un", "m", "t", "s", "v", "d")
)

#: The Snowball Italian stop words of Elasticsearch's `italian` analyzer.
STOPWORDS = frozenset(
    line.strip()
    for line in Path(__file__).with_name("stopwords_it.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)

SYNONYMS_FILE = Path(__file__).with_name("synonyms_it.txt")

# Letters and digits, with apostrophes inside a word kept (the standard tokenizer keeps "l'arte").
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
#: Apostrophes typed otherwise than "'" (typographic, modifier letter, backtick).
_OTHER_APOSTROPHES = ("\u2019", "\u02bc", "`")
_APOSTROPHES = str.maketrans(dict.fromkeys(_OTHER_APOSTROPHES, "'"))
_SPECIAL_FOLDS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d"})
_LIGHT_FOLDS = str.maketrans("àáâäòóôöèéêëùúûüìíîï", "aaaaooooeeeeuuuuiiii")


def fold(word: str) -> str:
    """Lowercase and strip accents ("Attività" -> "attivita"), like the asciifolding filter."""
    decomposed = unicodedata.normalize("NFKD", word.lower().translate(_SPECIAL_FOLDS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _elide(token: str) -> str:
    head, sep, rest = token.partition("'")
    return rest if sep and head in ARTICLES else token


def _straight_apostrophes(text: str) -> str:
    """`text` with its typographic apostrophes as "'" (translated only when it has one: `str.translate` takes
    microseconds a word on text with accented letters, and a rebuild cuts every document)."""
    if any(apostrophe in text for apostrophe in _OTHER_APOSTROPHES):
        return text.translate(_APOSTROPHES)
    return text


def tokens(text: str) -> list[str]:
    """Lowercase words as the standard tokenizer cuts them, apostrophes normalised ("dell'orto")."""
    text = _straight_apostrophes(unicodedata.normalize("NFC", text or "")).lower()
    return _TOKEN.findall(text)


def words(text: str) -> list[str]:
    """Lowercase words after elision, in order (the tokenizer + elision + lowercase steps)."""
    return [_elide(token) for token in tokens(text)]


def light_stem(word: str) -> str:
    """Lucene's ItalianLightStemmer: short words are left alone, longer ones lose their final vowel."""
    if len(word) < 6:
        return word
    word = word.translate(_LIGHT_FOLDS)
    last, before = word[-1], word[-2]
    if last == "e":
        return word[:-2] if before in "ih" else word[:-1]
    if last == "i":
        return word[:-2] if before in "hi" else word[:-1]
    if last in "ao":
        return word[:-2] if before == "i" else word[:-1]
    return word


#: The stop words as the engine's stop filter sees them (it runs after ASCII folding).
FOLDED_STOPWORDS = frozenset(fold(w) for w in STOPWORDS)


def with_synonyms(word: str) -> tuple[str, ...]:
    """A folded word and the other words of its synonym group (the index-time synonym filter)."""
    return (word, *(other for other in synonym_groups().get(word, ()) if other != word))


@functools.lru_cache(maxsize=65536)
def _word_stems(word: str) -> tuple[str, ...]:
    return tuple(light_stem(s) for s in with_synonyms(fold(word)) if s not in FOLDED_STOPWORDS)


@functools.lru_cache(maxsize=65536)
def _word_folded(word: str) -> tuple[str, ...]:
    return with_synonyms(fold(word))


def stems(text: str) -> list[str]:
    """What the index's `it_text` analyzer writes: folded words and their synonyms, stop words
    dropped, the rest stemmed (synonyms sit at their word's position, listed after it).
    Each distinct word is analysed once per process (a catalogue repeats its words)."""
    return stems_of(words(text))


def folded(text: str) -> list[str]:
    """What the folded sub-field writes: every word folded, with its synonyms; no stemming."""
    return folded_of(words(text))


def stems_of(text_words: list[str]) -> list[str]:
    """`stems` of words already cut by `words` (so a text is tokenised once for both analyses)."""
    return [s for w in text_words for s in _word_stems(w)]


def folded_of(text_words: list[str]) -> list[str]:
    """`folded` of words already cut by `words`."""
    return [s for w in text_words for s in _word_folded(w)]


@functools.lru_cache(maxsize=65536)
def token_terms(token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A token of `tokens` as the index writes it: (`stems_of`, `folded_of`) of its elided word, computed
    once per distinct token and process (the whole analysis chain in one cached call)."""
    word = _elide(token)
    return _word_stems(word), _word_folded(word)


def query_words(text: str) -> list[str]:
    """The words of a query that must each match, as typed ("dell'orto": the engine elides it);
    stop words and repeated words left out, in order."""
    seen: dict[str, str] = {}
    for token in tokens(text):
        key = query_folded(token)
        if key not in FOLDED_STOPWORDS:
            seen.setdefault(key, token)
    return list(seen.values())


def query_folded(word: str) -> str:
    """A query word as the search analyzer `it_folded_search` turns it (elided and folded)."""
    return fold(_elide(word.lower()))


def query_stem(word: str) -> str:
    """A query word as the search analyzer `it_text_search` turns it (no synonyms at query time)."""
    return light_stem(query_folded(word))


def autocomplete_words(text: str) -> list[str]:
    """The words autocomplete matches on (the `it_autocomplete` analyzer): folded, and split at
    apostrophes rather than elided, so "dell'orto" is "dell" + "orto" and a name stays suggested
    while its article is typed ("laboratorio dell'o")."""
    text = _straight_apostrophes(unicodedata.normalize("NFC", text or "")).replace("'", " ")
    return [_fold_word(token) for token in _TOKEN.findall(text)]


_fold_word = functools.lru_cache(maxsize=65536)(fold)


@functools.cache
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """Folded word -> every word of its group (itself included), from synonyms_it.txt."""
    groups: dict[str, tuple[str, ...]] = {}
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        group = tuple(dict.fromkeys(fold(w.strip()) for w in line.split(",") if w.strip()))
        for word in group:
            groups[word] = tuple(dict.fromkeys(groups.get(word, ()) + group))
    return groups


def synonym_rules() -> list[str]:
    """synonyms_it.txt as Solr-format rules for the engine's synonym filter ("teatro, recitazione")."""
    lines = SYNONYMS_FILE.read_text(encoding="utf-8").splitlines()
    groups = [[fold(w.strip()) for w in line.split(",") if w.strip()] for line in lines if not line.startswith("#")]
    return [", ".join(dict.fromkeys(group)) for group in groups if len(group) > 1]


#: Typo tolerance of a query word, in Elasticsearch's syntax: exact below 4 characters, one edit
#: from 4 to 7, two from 8. (Plain `AUTO` is 3,6: two edits on six letters let "teatro" find
#: "centro", so a word would find more than its own typo.)
FUZZY_LOW, FUZZY_HIGH = 4, 8
FUZZINESS = f"AUTO:{FUZZY_LOW},{FUZZY_HIGH}"
#: Bounds of a typo expansion, Elasticsearch's `prefix_length` and `max_expansions`: the first letter
#: must be right, and a word expands to at most 50 index terms per field (the closest first).
FUZZY_PREFIX_LENGTH = 1
FUZZY_MAX_EXPANSIONS = 50


def max_edits(term: str) -> int:
    """The edits `FUZZINESS` allows on an analysed term, as Elasticsearch computes them."""
    if len(term) < FUZZY_LOW:
        return 0
    return 1 if len(term) < FUZZY_HIGH else 2


def within_edits(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein (optimal string alignment) distance <= limit, as Lucene's fuzzy query."""
    if abs(len(a) - len(b)) > limit:
        return False
    if a == b:
        return True
    if limit == 0:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


def fuzzy_matches(term: str, vocabulary: Iterable[str]) -> list[str]:
    """Vocabulary terms within the `FUZZINESS` edit distance of `term`, sharing its first
    `FUZZY_PREFIX_LENGTH` letters; at most `FUZZY_MAX_EXPANSIONS`, fewest edits first (then in term order)."""
    limit = max_edits(term)
    prefix = term[:FUZZY_PREFIX_LENGTH]
    found = [
        (min(d for d in range(limit + 1) if within_edits(term, v, d)), v)
        for v in vocabulary
        if v.startswith(prefix) and within_edits(term, v, limit)
    ]
    return [v for _, v in sorted(found)[:FUZZY_MAX_EXPANSIONS]]
