"""Italian text analysis shared by the database backend and the Elasticsearch query builder.

It mirrors what Elasticsearch's built-in `italian` analyzer does (standard tokenizer, elision,
lowercase, Italian stop words, Lucene's light Italian stemmer) plus a folded form (elision,
lowercase, ASCII folding) and typo tolerance with the same `fuzziness: AUTO` rule, so the two
backends match the same documents. Synonyms are expanded at query time from `synonyms_it.txt`
for both backends (one list in the repo, no reindex when it changes).
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
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "`": "'"})
_SPECIAL_FOLDS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d"})
_LIGHT_FOLDS = str.maketrans("àáâäòóôöèéêëùúûüìíîï", "aaaaooooeeeeuuuuiiii")


def fold(word: str) -> str:
    """Lowercase and strip accents ("Attività" -> "attivita"), like the asciifolding filter."""
    decomposed = unicodedata.normalize("NFKD", word.lower().translate(_SPECIAL_FOLDS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _elide(token: str) -> str:
    head, sep, rest = token.partition("'")
    return rest if sep and head in ARTICLES else token


def words(text: str) -> list[str]:
    """Lowercase words after elision, in order (the tokenizer + elision + lowercase steps)."""
    text = unicodedata.normalize("NFC", text or "").translate(_APOSTROPHES).lower()
    return [_elide(token) for token in _TOKEN.findall(text)]


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


def stems(text: str) -> list[str]:
    """What the `italian` analyzer indexes: stop words dropped, the rest stemmed."""
    return [light_stem(w) for w in words(text) if w not in STOPWORDS]


def folded(text: str) -> list[str]:
    """What the folded sub-field indexes: every word, accents folded, no stemming."""
    return [fold(w) for w in words(text)]


_FOLDED_STOPWORDS = frozenset(fold(w) for w in STOPWORDS)


def query_words(text: str) -> list[str]:
    """The words of a query that must each match: no stop words, no duplicates, in order."""
    seen: dict[str, None] = {}
    for w in words(text):
        if w not in STOPWORDS and fold(w) not in _FOLDED_STOPWORDS:
            seen.setdefault(w)
    return list(seen)


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


def alternatives(word: str) -> tuple[str, ...]:
    """The word and its synonyms: a document matches the query word if it matches any of them."""
    key = fold(word)
    return (word, *(other for other in synonym_groups().get(key, ()) if other != key))


def max_edits(term: str) -> int:
    """Elasticsearch's `fuzziness: AUTO`: exact up to 2 characters, 1 edit up to 5, then 2."""
    if len(term) <= 2:
        return 0
    return 1 if len(term) <= 5 else 2


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
    """Vocabulary terms within the AUTO edit distance of `term`."""
    limit = max_edits(term)
    return [v for v in vocabulary if within_edits(term, v, limit)]
