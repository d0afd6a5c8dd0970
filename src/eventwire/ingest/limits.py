"""The stated caps on what one article may hold, applied before parsing instead of crashed on, and the one
sentence boundary the text itself states: a blank line.

An article is at most ``--max-chars`` characters (readers refuse longer ones with an error naming the record). A
"sentence" is at most MAX_SENTENCE_TOKENS tokens: a longer run without sentence punctuation (a list, a table pasted
as text, a scrape without full stops) is cut into sentences of that size before the parser sees it, so that no stage
meets one sentence of unbounded length. The text itself is never changed.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

MAX_SENTENCE_TOKENS = 200
COMPONENT = "eventwire_sentence_cap"

# Text with no sentence punctuation for this many characters may hold an over-long run; shorter gaps cannot
# (a token is at least one character), so most articles are passed through after one regex scan.
_LONG_RUN = re.compile(rf"[^.!?;…\n]{{{MAX_SENTENCE_TOKENS}}}")
_ENDS = frozenset(".!?;…")
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n\s*")


def cap_sentences(doc: Doc) -> Doc:
    """Start a new sentence after a blank line (a paragraph never runs on into the next: the parser had joined a
    quotation to the paragraph after it), and after MAX_SENTENCE_TOKENS tokens without sentence punctuation or a
    line break."""
    text = doc.text
    # Where the first word after each blank line (and the white space around it) starts: one pass over the text.
    after_blank = {m.end() for m in _BLANK_LINE.finditer(text)}
    if after_blank:
        for token in doc[1:]:
            if token.idx in after_blank:
                token.is_sent_start = True
    if not _LONG_RUN.search(text):
        return doc
    run = 0
    for token in doc:
        if run >= MAX_SENTENCE_TOKENS:
            token.is_sent_start = True
            run = 0
        run += 1
        if token.text in _ENDS or token.text[-1:] in _ENDS or "\n" in token.whitespace_ or token.is_space:
            run = 0
    return doc


@Language.component(COMPONENT)
def _component(doc: Doc) -> Doc:
    return cap_sentences(doc)


def add_sentence_cap(nlp: Language) -> None:
    """Put the cap in front of the parser (or of whatever sets sentences), once."""
    if COMPONENT in nlp.pipe_names:
        return
    before = next((n for n in ("parser", "senter", "sentencizer") if n in nlp.pipe_names), None)
    if before:
        nlp.add_pipe(COMPONENT, before=before)
    else:
        nlp.add_pipe(COMPONENT, first=True)
