"""A competence text that lists several competences ("stofzuigen en dweilen", "Nederlands,
Frans en Engels"): its parts, with the words they share written out (issue 11).

:meth:`~matchcore.vocabulary.concepts.Vocabulary.parts` asks :func:`list_parts` for a text that
resolves to no concept as a whole; the matcher (:mod:`matchcore.matching.lists`) then takes the
text as its parts, for functions and candidates alike.
"""
from __future__ import annotations

import re

from matchcore.vocabulary.resolution import LIST_SEPARATORS, key, label_of

__all__ = ["LIST_MARK", "LIST_WORDS", "list_parts"]

# a list of several competences: not at "of", which in a vacancy offers a choice ("heftruck
# of reachtruck": either will do), where the parts' shares of the line would ask for both
LIST_MARK = re.compile(LIST_SEPARATORS, re.IGNORECASE)
"""Whether a text may be a list: the matcher asks only such texts for their parts."""
_LIST = re.compile(rf"\s*(?:{LIST_SEPARATORS})\s*", re.IGNORECASE)
_OR = re.compile(r"\bof\b", re.IGNORECASE)

LIST_WORDS = 7
"""Content words (stop words not counted) from which a text is a written-out task ("clean,
lubricate and adjust the machines of the line"), never a list: its words count together
(``matching.data.TASK_WORDS``, the same number), and its comma-separated pieces ("clean",
"and adjust machines") are no competences of their own."""


def list_parts(vocab, text: str) -> list[str] | None:
    """The competences of a list that names several ("stofzuigen en dweilen", "draaien,
    frezen", "rijbewijs B en eigen wagen"): its parts, when at least one part is a label of
    a concept (:func:`~matchcore.vocabulary.resolution.label_of`); else None. For a text that
    resolves to no concept as a whole (:meth:`~matchcore.vocabulary.concepts.Vocabulary.parts`
    checks).

    Why: a competence text resolves to one concept, so a coach's "stofzuigen en dweilen" was
    free text that matched neither "stofzuigen" nor "dweilen" of a function. The matcher
    (:func:`matchcore.matching.data.build`) takes such a text as its parts, on both sides."""
    if _OR.search(text) or len(key(text).split()) >= LIST_WORDS:
        return None

    def known(part: str) -> bool:
        return label_of(vocab, part) is not None

    parts = [p.strip() for p in _LIST.split(text) if p and p.strip()]
    if len(parts) < 2:
        return None
    parts = _shared_words(parts, known)
    return parts if any(known(p) for p in parts) else None


def _verb_like(word: str) -> bool:
    """A Dutch infinitive by its ending (``-en``, ``-eren``): the last word of a competence
    phrase ("vloeren reinigen", "linnen plooien")."""
    return len(word) > 3 and word.casefold().endswith("en")


def _shared_words(parts: list[str], known) -> list[str]:
    """A list's parts with the words they share written out (Dutch ellipsis): a single noun
    before a phrase shares its verb ("stof en geur verdragen" -> "stof verdragen", "geur
    verdragen"; "ramen en vloeren reinigen" -> "ramen reinigen"), a single verb after a phrase
    shares its object ("linnen plooien en sorteren" -> "linnen plooien", "linnen sorteren").
    Two single words are two competences ("poetsen en strijken"), as are two phrases
    ("rijbewijs B en eigen wagen"). ``known(text)``: whether a text is a label. A noun before
    a phrase always takes its verb (a noun names no competence of its own: "stof" would be
    dusting); a verb takes the shared words when the written-out form is a label or the verb
    alone is none ("muren schilderen en behangen" keeps "behangen", a label, where "muren
    behangen" is none; "afwassen en groenten snijden" keeps "afwassen")."""
    words = [p.split() for p in parts]
    out = list(parts)
    for i, w in enumerate(words):
        if len(w) != 1:
            continue
        after = next((x for x in words[i + 1:] if len(x) > 1), None)
        before = next((x for x in reversed(words[:i]) if len(x) > 1), None)
        if after is not None and _verb_like(after[-1]) and w[0] != after[-1]:
            full = f"{w[0]} {after[-1]}"          # the verb of the phrase after
            noun = not _verb_like(w[0])           # "stof": no competence on its own
        elif before is not None and _verb_like(w[0]) and _verb_like(before[-1]):
            full = " ".join(before[:-1] + [w[0]])   # the object of the phrase before
            noun = False
        else:
            continue
        if noun or known(full) or not known(parts[i]):
            out[i] = full
    return out
