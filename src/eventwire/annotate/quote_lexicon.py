"""The quotes stage's word lists and the small pieces its direct, reported-speech and speaker parts share: the
quotation marks, the lexicon loaded from data/quotes/, the cover of quoted stretches and the cue test."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Token

# Marks that open a quotation, and those that may close one. Straight quotes both open and close; a closing curly
# mark with nothing open is a stray and is ignored. Single quotes are left alone: they double as apostrophes and,
# inside double quotes, mark a quote within the quote.
OPENERS = frozenset('“"«„')
CLOSERS = frozenset('”"»“')
DOUBLED = "''"
_MARK_OR_BREAK = re.compile("''|[“\"«„”»\n]")
_WORDY = re.compile(r"\w")
# Penn verb tags: a cue verb is matched on its fine tag and lemma, so "says" the noun never counts.
_VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
# Tags a cue can carry: a verb ("according" in "according to" is a VBG), or a noun ("his claim that").
_CUE_TAGS = _VERB_TAGS | {"NN", "NNS"}
# Modifiers that belong to a speaker's noun phrase ("Hezbollah leader Naim Qassem", "the group", "a source").
_NP_LEFT = frozenset({"compound", "det", "amod", "poss", "nmod", "nummod", "quantmod"})
# Dependencies through which a cue inherits its speaker from the verb it hangs on: "..., adding that ...",
# "acknowledged X but asserted that ...", "went on to say", and through an adjective: "were more likely to say".
_CLIMB = frozenset({"advcl", "xcomp", "conj", "pcomp", "acomp"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_GROUP_PRONOUNS = frozenset({"it", "they", "them"})
_RELATIVE = frozenset({"who", "that", "which"})
_DASHES = frozenset("―—–")
# Dashes that set off a closing gloss in running text: "... close by March — a decision that ...".
_GLOSS_DASHES = _DASHES | {"-", "--"}
# Verbs that report a question; "if" or "whether" opens what was asked.
_ASKING = frozenset({"ask", "wonder", "question", "inquire", "enquire"})
# Objects that stand for what was said without giving it: "said something that ...", "said much about ...".
_VAGUE = frozenset({"something", "nothing", "anything", "everything", "much", "little", "more", "less", "lot"})
# Small words a title leaves in lower case: "Meet the Press", "State of the Union".
_TITLE_SMALL = frozenset({"a", "an", "the", "of", "and", "in", "on", "for", "to", "at", "with"})
# Prepositions that carry on an object content: "criticised X for Y", "described X as Y", "accused X of Y".
_OBJECT_TAIL = frozenset({"for", "as", "of", "over", "about"})
# A paragraph that opens with a few capitalised words and a colon: "Marco Rubio: ...", "EXCLUSIVE – Roger Stone: ...".
_NAME_COLON = re.compile(r"(?m)^[ \t]*[A-Z][\w.’'\- –]{0,45}?:(?=[ \t]+\S)")
# Where a finding was published, read like "according to": "In the latest poll, the senator leads by ten points".
_FOUND_IN = frozenset({"poll", "survey"})
# Where someone spoke, when the verb after it is no cue: "In a letter to donors, the senator laid out her plan".
_SPOKEN_IN = frozenset({"statement", "interview", "letter", "tweet", "post", "speech", "email", "memo", "op-ed"})


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The word lists the stage reads, loaded once from data/quotes/."""

    cue_verbs: frozenset[str]
    org_nouns: frozenset[str]
    # Verbs whose direct object is the content, and (verb, preposition) pairs whose prepositional object is.
    object_cues: frozenset[str] = frozenset()
    prep_cues: frozenset[tuple[str, str]] = frozenset()
    # Nouns that report speech when a that-clause follows ("his claim that ...").
    cue_nouns: frozenset[str] = frozenset()
    # Verbs whose infinitive is the content ("vowed to ..."), and those of them whose subject joins it ("seems to").
    infinitive_cues: frozenset[str] = frozenset()
    raising_cues: frozenset[str] = frozenset()


def _read_list(name: str) -> frozenset[str]:
    text = resources.files("eventwire").joinpath("data", "quotes", name).read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.lstrip().startswith("#"))


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    objects = _read_list("object_cues.txt")
    infinitives = _read_list("infinitive_cues.txt")
    return Lexicon(
        cue_verbs=_read_list("cue_verbs.txt"),
        org_nouns=_read_list("speaker_nouns.txt"),
        object_cues=frozenset(w for w in objects if " " not in w),
        prep_cues=frozenset((w.split()[0], w.split()[1]) for w in objects if " " in w),
        cue_nouns=_read_list("cue_nouns.txt"),
        infinitive_cues=frozenset(w.split()[0] for w in infinitives),
        raising_cues=frozenset(w.split()[0] for w in infinitives if w.endswith("+subject")),
    )




def _is_cue(tok: Token, lex: Lexicon) -> bool:
    return tok.tag_ in _VERB_TAGS and tok.lemma_.lower() in lex.cue_verbs



class _Cover:
    """Stretches of the text (quotations): which of them hold an offset, by bisection rather than a scan of all, so
    that checking every cue of a long article against every quotation does not grow with their product."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self._starts = [s for s, _e in self.spans]
        self._reach: list[int] = []
        for _s, e in self.spans:
            self._reach.append(max(e, self._reach[-1]) if self._reach else e)

    def covers(self, at: int) -> bool:
        i = bisect.bisect_right(self._starts, at) - 1
        return i >= 0 and self._reach[i] > at

    def holding(self, at: int) -> list[tuple[int, int]]:
        """The stretches with start <= at < end."""
        out = []
        i = bisect.bisect_right(self._starts, at) - 1
        while i >= 0 and self._reach[i] > at:
            if self.spans[i][1] > at:
                out.append(self.spans[i])
            i -= 1
        return out



# A content: its token ranges (pieces of one content, as around "he said"), the speaker token when the cue names it,
# where the cue ends, and whether the cue's grammatical subject is the speaker.
Found = tuple[list[tuple[int, int]], Token | None, int, bool]
