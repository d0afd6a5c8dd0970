"""Items of an article layer found by where they start, and spans tested for overlap, without scanning the whole
layer for every sentence, event or mention (a 400 KB article has thousands of each: a scan per item made stages
quadratic)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class ByStart(Generic[T]):
    """``items`` indexed by ``start(item)``; answers keep the items' own order."""

    def __init__(self, items: Sequence[T], start: Callable[[T], int]) -> None:
        self.items = list(items)
        starts = [start(x) for x in self.items]
        self._order = sorted(range(len(starts)), key=lambda i: (starts[i], i))
        self._starts = [starts[i] for i in self._order]

    def starting_in(self, s: int, e: int) -> list[T]:
        """The items whose start lies in [s, e)."""
        lo, hi = bisect_left(self._starts, s), bisect_left(self._starts, e)
        return [self.items[i] for i in sorted(self._order[lo:hi])]


class Spans:
    """A fixed set of [start, end) spans that answers whether any of them overlaps a span."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        pairs = sorted(spans)
        self._starts = [s for s, _ in pairs]
        self._reach = list(accumulate((e for _, e in pairs), max))  # the furthest end among the first k spans

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some span (s, e) has s < end and start < e."""
        k = bisect_left(self._starts, end)  # the spans starting before ``end``
        return k > 0 and self._reach[k - 1] > start


class Disjoint:
    """Spans kept only where they overlap none kept before: the longest-first choice among competing matches."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def take(self, start: int, end: int) -> bool:
        """Keeps [start, end) unless it overlaps a kept span; says whether it was kept."""
        k = bisect_left(self._starts, end)
        # Kept spans are disjoint, so the one starting last before ``end`` also ends last among them.
        if k > 0 and self._ends[k - 1] > start:
            return False
        self._starts.insert(k, start)
        self._ends.insert(k, end)
        return True
