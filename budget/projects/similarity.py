"""How alike two project titles are: the Jaccard overlap of their character bigrams (pure, no database).

Bigrams of characters work for Korean as for any script, need no dictionary or stemmer, and are cheap
enough to compare a title against a cycle's few thousand in Python while someone types
("공원 벤치 설치" and "어린이 공원에 벤치 설치" share 공원, 벤치, 설치 …). Spaces and punctuation are dropped
first, so "벤치 설치" and "벤치설치" are the same title.
"""

MIN_SCORE = 0.2


def normalise(title: str) -> str:
    return "".join(ch for ch in title.casefold() if ch.isalnum())


def bigrams(title: str) -> frozenset[str]:
    """The title's character bigrams (a one-character title: the character itself)."""
    text = normalise(title)
    if len(text) < 2:
        return frozenset(text)
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def most_similar(title: str, candidates, *, limit: int = 5, min_score: float = MIN_SCORE) -> list[tuple[float, tuple]]:
    """The ``limit`` candidates most like ``title``, best first, as (score, candidate); a candidate is a tuple
    whose last item is its title."""
    wanted = bigrams(title)
    scored = [(jaccard(wanted, bigrams(c[-1])), c) for c in candidates]
    scored = [pair for pair in scored if pair[0] >= min_score]
    scored.sort(key=lambda pair: (-pair[0], pair[1][0]))
    return scored[:limit]
