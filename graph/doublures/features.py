"""Words, stems and blocking keys: what pairs are compared on.

Names and descriptions are Dutch: words are lower-cased, accents dropped (as the build's name
keys do, graph/name_keys.py), and stemmed with the Snowball Dutch stemmer, so that
"techniekonderwijs" and "het techniekonderwijs", "docenten" and "docent" meet.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("dutch")

# Function words and the words every item of this domain uses: they say nothing about which
# initiative is meant ("techniek" is in half the names).
STOPWORDS = frozenset(
    """
aan al alle als be bij dat de deze die dit door een en er het hun in is je met na naar niet nog
of om onder ook op over per te tot uit van veel voor wat we wel worden wordt zal zich zij zijn zo
zoals meer dan hebben heeft kan kunnen moet moeten ze waar wie welke binnen tussen via andere
nieuwe extra goed hoe jaar jaarlijks techniek technisch technische techniekpact nationaal actie
acties initiatief initiatieven regio regionaal regionale landelijk landelijke
""".split()
)


def plain_words(text: str) -> list[str]:
    """Lower-case words without accents: 'Bèta-Techniek' → ['beta', 'techniek']."""
    # NFKD splits 'è' into 'e' and a combining accent, which the ASCII encoding then drops.
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", text.replace("techniepact", "techniekpact"))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


@lru_cache(maxsize=200_000)
def stem_string(name: str) -> str:
    """A name as its stems, space separated: what names are compared on (each name once)."""
    return " ".join(stems(name))


def stems(text: str) -> list[str]:
    """The stems of the meaningful words, in order (digits and one-letter words dropped)."""
    return [stem(w) for w in plain_words(text) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()]


MIN_PART = 4  # compound parts shorter than this are too often a chance match ("ing", "tie")


def split_compounds(terms: list[str], vocabulary: set[str]) -> list[str]:
    """The terms, each followed by the parts of it that are words of their own in `vocabulary`.

    Dutch writes compounds as one word: "topsectorbeurzen", "studiebeurzen", "experimenteer-
    regeling". A stem is split where both sides are stems seen elsewhere (optionally across the
    linking "s" or "e" of "vakmanschapsroute"), so that the parts can match on their own."""
    found = []
    for term in terms:
        found.append(term)
        for cut in range(MIN_PART, len(term) - MIN_PART + 1):
            left, right = term[:cut], term[cut:]
            if right[0] in "se" and right[1:] in vocabulary and left in vocabulary:
                right = right[1:]
            if left in vocabulary and right in vocabulary:
                found.extend((left, right))
                break
    return found


def surface_words(text: str) -> dict[str, set[str]]:
    """Stem → the words of `text` (as written, lower case) that have it: to highlight them."""
    found: dict[str, set[str]] = {}
    for word in re.findall(r"\w+", text):
        plain = plain_words(word)
        if len(plain) == 1 and plain[0] not in STOPWORDS and len(plain[0]) > 1:
            found.setdefault(stem(plain[0]), set()).add(word.lower())
    return found


class TfIdf:
    """TF-IDF vectors over stemmed texts (sublinear term frequency, smoothed idf), unit length."""

    def __init__(self, documents: dict[str, list[str]]):
        df = Counter(term for terms in documents.values() for term in set(terms))
        n = len(documents)
        self.idf = {term: math.log((1 + n) / (1 + count)) + 1.0 for term, count in df.items()}
        self.max_idf = max(self.idf.values(), default=1.0)  # a term never seen is the rarest
        self.df = df
        self.vectors = {key: self._vector(terms) for key, terms in documents.items()}

    def _vector(self, terms: list[str]) -> dict[str, float]:
        counts = Counter(terms)
        weights = {t: (1 + math.log(c)) * self.idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}

    def cosine(self, a: str, b: str) -> tuple[float, list[str]]:
        """Cosine of two documents, and the shared terms, the heaviest first."""
        va, vb = self.vectors.get(a, {}), self.vectors.get(b, {})
        if len(va) > len(vb):
            va, vb = vb, va
        shared = {t: w * vb[t] for t, w in va.items() if t in vb}
        return sum(shared.values()), sorted(shared, key=shared.get, reverse=True)

    def rarest(self, key: str, k: int) -> list[str]:
        """The k terms of a document that fewest documents share: its blocking keys."""
        vector = self.vectors.get(key, {})
        return sorted(vector, key=lambda t: (self.df[t], t))[:k]
