"""The public names of the package are exactly those in its sorted __all__."""

from __future__ import annotations

import eventwire


def test_exported_members_are_sorted_and_public() -> None:
    assert eventwire.__all__ == sorted(eventwire.__all__)
    for name in eventwire.__all__:
        assert hasattr(eventwire, name), name


def test_exported_members_cover_every_public_name() -> None:
    public = {n for n in dir(eventwire) if not n.startswith("_") and n not in {"annotations"}}
    modules = {n for n in public if type(getattr(eventwire, n)).__name__ == "module"}
    assert public - modules == set(eventwire.__all__) - {"__version__"}
