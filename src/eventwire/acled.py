"""ACLED's categories for eventwire's events: each event's ACLED event type and sub-event type, decided by the
ordered rules of data/acled/rules.toml from its PLOVER type, mode, CAMEO code, its actors' sectors and its words.

The rules are eventwire's own reading of ACLED's public codebook (data/acled/categories.tsv says what each
sub-event type means); this module is only the mechanism that applies them. Pure: no I/O after the first load.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from .records import Actor, Event, Span

NONE = "none"  # a rule's verdict that the event is nothing ACLED records
NON_STATES = frozenset({"IGO", "NGO", "IMG", "MNC", "UNO"})  # actor "countries" that are no state


@dataclass(frozen=True)
class Category:
    event_type: str
    sub_event_type: str
    disorder_type: str
    meaning: str


@dataclass(frozen=True)
class Cues:
    """Words to look for, compiled to one pattern; empty matches nothing (an absent condition is None instead)."""

    pattern: re.Pattern[str] | None

    def found(self, text: str) -> bool:
        return self.pattern is not None and self.pattern.search(text) is not None


@dataclass(frozen=True)
class Rule:
    sub_event_type: str
    position: int
    plover: frozenset[str] | None = None
    modes: frozenset[str] | None = None
    cameo: tuple[str, ...] | None = None
    trigger: Cues | None = None
    words: Cues | None = None
    also: Cues | None = None
    unless: Cues | None = None
    source: frozenset[str] | None = None
    target: frozenset[str] | None = None
    source_not: frozenset[str] | None = None
    target_not: frozenset[str] | None = None


@dataclass(frozen=True)
class Verdict:
    """What the rules said of one event: its ACLED types (None for "none") and the rule that decided."""

    event_type: str | None
    sub_event_type: str | None
    rule: int


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    groups: Mapping[str, frozenset[str]]
    categories: Mapping[str, Category]

    def classify(self, event: Event) -> Verdict | None:
        """The first rule that holds for the event, or None when no rule does. Events that did not happen
        (negated, hypothetical, future) are never ACLED events."""
        if event.negated or event.hypothetical or event.future:
            return None
        trigger = _plain(event.trigger.text)
        sentence = _plain(event.sentence.text)
        source = self._sectors(event.source)
        target = self._sectors(event.target)
        for rule in self.rules:
            if self._holds(rule, event, trigger, sentence, source, target):
                if rule.sub_event_type == NONE:
                    return Verdict(None, None, rule.position)
                category = self.categories[rule.sub_event_type]
                return Verdict(category.event_type, rule.sub_event_type, rule.position)
        return None

    def classify_all(self, events: Sequence[Event]) -> list[Verdict | None]:
        """Verdicts for the events of one text. The words of the sentence that are another event's trigger are
        that event's, not this one's: in "continued to occupy border points and to carry out airstrikes" the
        occupation is no air strike."""
        out = []
        for ev in events:
            others = [o.trigger for o in events if o is not ev and o.sentence == ev.sentence
                      and o.trigger.field == ev.sentence.field and o.trigger != ev.trigger]
            out.append(self.classify(replace(ev, sentence=_masked(ev.sentence, others)) if others else ev))
        return out

    def _sectors(self, actors: Sequence[Actor]) -> list[frozenset[str]]:
        """Per actor, the groups its sector belongs to (read three letters at a time)."""
        out = []
        for a in actors:
            # A country named as the actor, with no sector ("Israel continued to occupy"), is its state.
            sector = a.sector or ("GOV" if a.country and a.country not in NON_STATES else "")
            codes = {sector[i:i + 3] for i in range(0, len(sector), 3)}
            out.append(frozenset(g for g, members in self.groups.items() if codes & members))
        return out

    @staticmethod
    def _holds(rule: Rule, event: Event, trigger: str, sentence: str, source: list[frozenset[str]],
               target: list[frozenset[str]]) -> bool:
        if rule.plover is not None and event.type not in rule.plover:
            return False
        if rule.modes is not None and (event.mode or "") not in rule.modes:
            return False
        if rule.cameo is not None and not (event.cameo or "").startswith(rule.cameo):
            return False
        for cues, text in ((rule.trigger, trigger), (rule.words, sentence), (rule.also, sentence)):
            if cues is not None and not cues.found(text):
                return False
        if rule.unless is not None and rule.unless.found(sentence):
            return False
        for wanted, have in ((rule.source, source), (rule.target, target)):
            if wanted is not None and not _some(wanted, have):
                return False
        for banned, have in ((rule.source_not, source), (rule.target_not, target)):
            if banned is not None and any(banned & groups for groups in have):
                return False
        return True


def _masked(sentence: Span, triggers: Sequence[Span]) -> Span:
    """The sentence with the given trigger spans blanked out (same length, so offsets stay true)."""
    chars = list(sentence.text)
    for t in triggers:
        a, b = t.start - sentence.start, t.end - sentence.start
        if 0 <= a < b <= len(chars):
            chars[a:b] = " " * (b - a)
    return replace(sentence, text="".join(chars))


def _some(wanted: frozenset[str], have: list[frozenset[str]]) -> bool:
    if NONE in wanted and not have:
        return True
    return any(wanted & groups for groups in have)


def _plain(text: str) -> str:
    """Lower case, apostrophes and dashes as spaces, so that cues match "air-strike", "Israel's" and "IEDs"."""
    return " " + re.sub(r"[\s\-–—'’]+", " ", text.lower()) + " "


def _cue_pattern(cues: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for cue in sorted(set(cues)):
        words = cue.lower().replace("-", " ").split()
        regex = r"\s".join(re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words)
        parts.append(regex)
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


def _expand(items: Sequence[str], lists: Mapping[str, Sequence[str]], where: str) -> list[str]:
    out: list[str] = []
    for item in items:
        if item.startswith("@"):
            if item[1:] not in lists:
                raise ValueError(f"{where}: no cue list named {item[1:]!r}")
            out += lists[item[1:]]
        else:
            out.append(item)
    return out


def parse_rules(data: Mapping[str, Any], categories: Mapping[str, Category]) -> Rules:
    """Rules from the parsed TOML, checked: known keys, known sub-event types, known cue lists and groups."""
    lists: Mapping[str, Sequence[str]] = data.get("cues", {})
    groups = {name: frozenset(codes) for name, codes in data.get("groups", {}).items()}
    known = {"sub_event_type", "plover", "modes", "cameo", "trigger", "words", "also", "unless", "source", "target",
             "source_not", "target_not"}
    rules = []
    for i, raw in enumerate(data.get("rule", [])):
        where = f"rules.toml rule {i + 1}"
        extra = set(raw) - known
        if extra:
            raise ValueError(f"{where}: unknown condition {min(extra)!r}")
        sub = raw.get("sub_event_type")
        if sub != NONE and sub not in categories:
            raise ValueError(f"{where}: unknown sub_event_type {sub!r}")
        for key in ("source", "target", "source_not", "target_not"):
            for g in raw.get(key, ()):
                if g != NONE and g not in groups:
                    raise ValueError(f"{where}: unknown group {g!r}")

        def cues(key: str, raw: Mapping[str, Any] = raw, where: str = where) -> Cues | None:
            return Cues(_cue_pattern(_expand(raw[key], lists, where))) if key in raw else None

        def names(key: str, raw: Mapping[str, Any] = raw) -> frozenset[str] | None:
            return frozenset(raw[key]) if key in raw else None

        rules.append(Rule(
            sub_event_type=sub, position=i, plover=names("plover"), modes=names("modes"),
            cameo=tuple(raw["cameo"]) if "cameo" in raw else None, trigger=cues("trigger"), words=cues("words"),
            also=cues("also"), unless=cues("unless"), source=names("source"), target=names("target"),
            source_not=names("source_not"), target_not=names("target_not"),
        ))
    return Rules(rules=tuple(rules), groups=groups, categories=categories)


def read_categories(text: str) -> dict[str, Category]:
    out: dict[str, Category] = {}
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for row in rows[1:]:
        event_type, sub, disorder, meaning = (c.strip() for c in row[:4])
        out[sub] = Category(event_type, sub, disorder, meaning)
    return out


def data_folder() -> Any:
    return resources.files("eventwire") / "data" / "acled"


@cache
def load_rules() -> Rules:
    """The packaged categories and rules, read once."""
    folder = data_folder()
    categories = read_categories((folder / "categories.tsv").read_text(encoding="utf-8"))
    data = tomllib.loads((folder / "rules.toml").read_text(encoding="utf-8"))
    return parse_rules(data, categories)


def categories() -> Mapping[str, Category]:
    """ACLED's 25 sub-event types (in codebook order) with their event type and meaning."""
    return load_rules().categories


def event_types() -> list[str]:
    """ACLED's 6 event types, in codebook order."""
    return list(dict.fromkeys(c.event_type for c in categories().values()))


def classify(event: Event) -> Verdict | None:
    """The ACLED verdict on one event (see ``Rules.classify``)."""
    return load_rules().classify(event)
