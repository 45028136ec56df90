"""Find catalogue indicators for a piece of KR text: TF-IDF over character n-grams plus synonym hits."""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from assistant.catalogue import Indicator, active_catalogue

# Verbs and comparison words say how a metric should move, not which metric it is.
_NOISE_RE = re.compile(
    r"同比|环比|提升到|提升至|提高到|提高至|提升|提高|增长(?!率)|增加|降低|下降|减少|缩短|压缩|达到|突破|控制在|不低于|"
    r"不超过|以内|以上|以下|至少|期间|从|由|到|至|实现|保持|确保|"
    r"\b(?:reach|raise|increase|grow|up|down|cut|reduce|from|to|by|at least|at most|under|below|above|yoy|"
    r"improve|lift|keep|hit|over|the|of|in|and|a|an|our|boost|lower|decrease|get|make|achieve)\b",
    re.IGNORECASE,
)
MIN_SCORE = 0.3


def _doc(ind: Indicator) -> str:
    words = [ind.name_zh, ind.name_en, *ind.synonyms.zh, *ind.synonyms.en]
    return " | ".join(words).lower()


def char_ngrams(text: str, lo: int = 1, hi: int = 3) -> list[str]:
    """Character n-grams inside space-padded words (sklearn's 'char_wb' analyzer)."""
    grams: list[str] = []
    for word in text.lower().split():
        w = f" {word} "
        for n in range(lo, hi + 1):
            grams += [w[i : i + n] for i in range(len(w) - n + 1)]
    return grams


class CharTfidf:
    """TF-IDF over character n-grams (sublinear tf, smoothed idf, l2 norm), the same maths as
    sklearn's TfidfVectorizer(analyzer='char_wb'); plain Python because the catalogue is small and
    importing scikit-learn alone costs about a second per process."""

    def __init__(self, docs: list[str]) -> None:
        counts = [Counter(char_ngrams(d)) for d in docs]
        df: Counter[str] = Counter(g for c in counts for g in c)
        n = len(docs)
        self.idf = {g: math.log((1 + n) / (1 + k)) + 1 for g, k in df.items()}
        self.rows = [self._vector(c) for c in counts]

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        vec = {g: (1 + math.log(k)) * self.idf[g] for g, k in counts.items() if g in self.idf}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {g: v / norm for g, v in vec.items()}

    def similarities(self, query: str) -> list[float]:
        """Cosine similarity of `query` to every document."""
        q = self._vector(Counter(char_ngrams(query)))
        return [sum(v * row.get(g, 0.0) for g, v in q.items()) for row in self.rows]


@lru_cache(maxsize=8)
def _index_of(inds: tuple[Indicator, ...]) -> tuple[CharTfidf, tuple[Indicator, ...]]:
    return CharTfidf([_doc(i) for i in inds]), inds


def clean_query(text: str) -> str:
    """Drop verbs, comparators and punctuation so only the metric words remain."""
    return re.sub(r"[\s,，;；:：.。!！?？()（）\-+≤≥<>=%]+", " ", _NOISE_RE.sub(" ", text)).strip()


def _synonym_bonus(query: str, ind: Indicator) -> float:
    q = query.lower()
    best = 0
    for word in (ind.name_zh, ind.name_en, *ind.synonyms.zh, *ind.synonyms.en):
        w = word.lower()
        # A Latin word counts whole; next to Chinese characters it is still whole ("全店GMV": \b sees none there).
        whole = rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])"
        if len(w) >= 2 and (re.search(whole, q) if w.isascii() else w in q):
            best = max(best, len(w))
    # Longer exact phrases are stronger evidence ("首次响应时间" beats "时间").
    return min(0.6, 0.1 * best) if best else 0.0


def rank_indicators(text: str, *, top: int = 5) -> list[tuple[Indicator, float]]:
    """Catalogue indicators most similar to `text`, best first, with a 0..~1.6 score."""
    query = clean_query(text)
    if not query:
        return []
    return list(_ranked(query, active_catalogue(), top))


@lru_cache(maxsize=4096)  # drafts re-read the same stored KR texts on every request; the catalogue is in the key
def _ranked(query: str, catalogue: tuple[Indicator, ...], top: int) -> tuple[tuple[Indicator, float], ...]:
    tfidf, inds = _index_of(catalogue)
    sims = tfidf.similarities(query)
    scored = [(ind, float(sims[i]) + _synonym_bonus(query, ind)) for i, ind in enumerate(inds)]
    scored.sort(key=lambda t: (-t[1], t[0].code))
    return tuple(scored[:top])


def best_indicator(text: str) -> Indicator | None:
    """The single best catalogue match for `text`, or None when nothing is similar enough."""
    ranked = rank_indicators(text, top=1)
    if not ranked or ranked[0][1] < MIN_SCORE:
        return None
    return ranked[0][0]
