"""Near-duplicate detection, the pure parts: MinHash signatures over word shingles of a body (shingles never cross
a sentence end, so reordered sentences keep them), LSH band buckets, and the checks on signatures and exact shingle
sets (Jaccard, or containment for trimmed and padded copies). The store's side is stories.StoryIndexer.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass(frozen=True, slots=True)
class StorySettings:
    """Knobs of near-duplicate detection and story linking. Signatures stored in a database were made with
    ``shingle_size`` and ``num_perm``: change those only with a fresh database."""

    shingle_size: int = 4
    num_perm: int = 128
    # 32 bands of 2 rows (the first 64 values): a pair with Jaccard 0.5 shares a bucket with probability 0.9999,
    # 0.3 with 0.95, 0.2 with 0.73, so trimmed copies (low Jaccard, high containment) become candidates; unrelated
    # news has Jaccard ~0, and its rare chance candidates are discarded by the signature check below. Each band is
    # one row written at a random place of the bucket index, so bands are what an article costs to store.
    bands: int = 32
    rows: int = 2
    # Candidates whose signatures suggest this much overlap are verified on their exact shingle sets.
    check_jaccard: float = 0.3
    check_containment: float = 0.5
    min_jaccard: float = 0.5
    # A trimmed copy has a low Jaccard but is (almost) contained in the original, or the original in it.
    min_containment: float = 0.8
    # Below this many shingles a body is too short to call a near-duplicate; only identical bodies are linked.
    min_shingles: int = 10
    # Buckets shared by very many articles hold boilerplate; a bounded number of candidates keeps the cost flat.
    candidate_limit: int = 2000
    window_days: int = 3
    min_shared_entities: int = 3
    min_entity_overlap: float = 0.5
    salient_entities: int = 8
    # How many recent mentions of one entity are looked at when searching for a story by entities.
    entity_recent: int = 200


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A body's MinHash signature (``num_perm`` uint32 values as little-endian bytes) and its shingle count."""

    signature: bytes
    shingles: int

    def values(self) -> np.ndarray:
        return np.frombuffer(self.signature, dtype="<u4")


@dataclass(frozen=True, slots=True)
class Similarity:
    """Estimated Jaccard of two shingle sets, and the larger of the two containments (|A & B| / |A| or / |B|)."""

    jaccard: float
    containment: float



# One pass finds the words and the sentence ends: ., ! or ? (with closing quotes/brackets) before white space, and
# line breaks. A match of group 1 is a word; anything else ends a sentence.
_TOKEN = re.compile(r"(\w+)|[.!?]+[\"'\u201d\u2019)\]]*(?=\s|$)|\n")


# Odd 64-bit constants that mix a word's position in its shingle into the shingle hash (splitmix64 family).
_MIX = np.array([0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93,
                 0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3, 0x589965CC75374CC3], dtype=np.uint64)


def _finalize(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the 64 output bits."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def shingle_hashes(text: str, size: int = 4) -> np.ndarray:
    """Sorted unique 32-bit hashes (as uint64) of the word ``size``-grams of each sentence, lower-cased and NFKC;
    a sentence shorter than ``size`` words is one shingle, so that short lines still count. Words are hashed once
    (crc32, stable across processes) and combined per window by numpy."""
    if size > len(_MIX):
        raise ValueError(f"shingle size {size} is larger than {len(_MIX)}")
    words: list[int] = []
    sentence_of: list[int] = []
    k = 0
    for word in _TOKEN.findall(unicodedata.normalize("NFKC", text).lower()):
        if word:
            words.append(zlib.crc32(word.encode()))
            sentence_of.append(k)
        else:
            k += 1
    if not words:
        return np.empty(0, dtype=np.uint64)
    w = np.array(words, dtype=np.uint64)
    sid = np.array(sentence_of, dtype=np.int64)
    parts = []
    starts = np.flatnonzero(np.r_[True, sid[1:] != sid[:-1]])
    lengths = np.diff(np.r_[starts, len(sid)])
    if len(w) >= size:
        first = np.arange(len(w) - size + 1)
        first = first[sid[first] == sid[first + size - 1]]
        h = np.zeros(len(first), dtype=np.uint64)
        for j in range(size):
            h ^= w[first + j] * _MIX[j]
        parts.append(h)
    for start, length in zip(starts[lengths < size].tolist(), lengths[lengths < size].tolist(), strict=True):
        parts.append(np.bitwise_xor.reduce(w[start:start + length] * _MIX[:length], keepdims=True))
    return np.unique(_finalize(np.concatenate(parts)) >> np.uint64(32))


def shingles(text: str, size: int = 4) -> frozenset[int]:
    """The shingle hashes of a body as a set (see ``shingle_hashes``)."""
    return frozenset(shingle_hashes(text, size).tolist())


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    # Fixed seed: signatures stored today must compare with those computed tomorrow.
    rng = np.random.default_rng(20260528)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


def fingerprint(text: str, settings: StorySettings = StorySettings(),
                found: np.ndarray | None = None) -> Fingerprint:
    """The MinHash signature of a body (pass ``found`` when its shingles are at hand). Each permutation is
    multiply-shift hashing of the 32-bit shingle hash, (a * x + b) mod 2**64, top 32 bits: a universal family
    that numpy computes for all shingles at once."""
    if found is None:
        found = shingle_hashes(text, settings.shingle_size)
    if not len(found):
        return Fingerprint(np.full(settings.num_perm, 0xFFFFFFFF, dtype="<u4").tobytes(), 0)
    a, b = _permutations(settings.num_perm)
    x = found.astype(np.uint64)
    hashed = (x[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)
    return Fingerprint(hashed.min(axis=0).astype("<u4").tobytes(), len(found))


def band_buckets(fp: Fingerprint, settings: StorySettings = StorySettings()) -> list[tuple[int, int]]:
    """(band, bucket) pairs: each band of ``rows`` signature values and its band number hashed to a signed 64-bit
    SQLite integer (so that equal values in different bands never share a bucket)."""
    values = fp.values()[: settings.bands * settings.rows].astype(np.uint64).reshape(settings.bands, settings.rows)
    h = np.arange(settings.bands, dtype=np.uint64) * _MIX[-1]
    for j in range(settings.rows):
        h = _finalize(h ^ values[:, j])
    return list(enumerate(h.view(np.int64).tolist()))


def similarity(a: Fingerprint, b: Fingerprint) -> Similarity:
    """Estimated Jaccard (share of equal signature values) and containment derived from it and the set sizes."""
    if not a.shingles or not b.shingles:
        return Similarity(0.0, 0.0)
    jaccard = float(np.mean(a.values() == b.values()))
    # |A & B| = J * |A | B| and |A | B| = (|A| + |B|) / (1 + J).
    common = jaccard * (a.shingles + b.shingles) / (1.0 + jaccard)
    return Similarity(jaccard, min(1.0, common / min(a.shingles, b.shingles)))


def exact_similarity(a: np.ndarray, b: np.ndarray) -> Similarity:
    """Jaccard and the larger containment of two shingle sets given as sorted unique arrays (shingle_hashes)."""
    if not len(a) or not len(b):
        return Similarity(0.0, 0.0)
    common = len(np.intersect1d(a, b, assume_unique=True))
    return Similarity(common / (len(a) + len(b) - common), common / min(len(a), len(b)))


def worth_checking(sim: Similarity, settings: StorySettings = StorySettings()) -> bool:
    """Whether signatures suggest enough overlap to verify a candidate on its exact shingles."""
    return sim.jaccard >= settings.check_jaccard or sim.containment >= settings.check_containment


def is_near_duplicate(sim: Similarity, size_a: int, size_b: int, settings: StorySettings = StorySettings()) -> bool:
    """The verdict on exact similarity: Jaccard, or containment for trimmed and padded copies. Short bodies
    only when identical: a few shared sentences of a brief say nothing."""
    if sim.jaccard >= 1.0:
        return True
    if min(size_a, size_b) < settings.min_shingles:
        return False
    return sim.jaccard >= settings.min_jaccard or sim.containment >= settings.min_containment


