"""Items of an article layer found by where they start, without scanning the whole layer for every sentence or
event (a 400 KB article has thousands of each: a scan per item made stages quadratic)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
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
