"""Whom an age describes when the family member is named only by the age: "my 4 year old", "my 4-year-old", "for my
7 yo", "my 80-year-old mother", "우리 4살짜리".

The ``beneficiary`` lookup (intents/nlu.yml) finds the family words ("my son", "daughter", "우리 아이"), so "우리 아이
4살" is about the child; but English puts the age between the possessive and the noun ("my 80-year-old mother": the
table has "my mother", not "mother" alone) or leaves the noun out ("my 4 year old", the everyday way to say one's
child), and then the message had an ``age`` and no ``beneficiary``: the age was read as the citizen's (s17 closing
note). :func:`with_member_of_age` adds the missing ``beneficiary`` entity after the other extractors:

- "my / our" [adjective] AGE NOUN, with NOUN a family word (:data:`assistant.nlu.household.MEMBER_WHO`: mother →
  ``parent``, husband → ``spouse``, grandma → ``grandparent``) or a word for a child ("boy", "girl", "baby",
  "toddler", "twins", "one"): the entity on NOUN with that value, unless the lookup already found one there;
- "my / our" AGE with no noun after it (the message ends, or a verb, a preposition or a conjunction follows: "my 4
  year old goes to kindergarten", "for my 7 yo?") and the age under 19: ``child`` on the possessive. English leaves
  the noun out for a child; "my 80 year old" alone names no one for sure, so no entity;
- Korean "우리 / 저희" AGE 짜리 / 배기 with no family word after it ("우리 4살짜리가 어린이집 다녀요"): ``child`` on
  우리 (with a family word, "우리 4살짜리 아들", the lookup's entity stands).

Own code: a rule over the extracted spans, as :mod:`~assistant.nlu.entities.age_context` is; no library reads whom an
age describes. Only for a pipeline whose training data has a ``beneficiary`` lookup (this project's).

Example:
    >>> from assistant.nlu.types import EntitySpan
    >>> age = EntitySpan("age", 12, 22, "4 year old", 4)
    >>> [(e.entity, e.text, e.value) for e in with_member_of_age("What can my 4 year old get?", [age])]
    [('beneficiary', 'my', 'child'), ('age', '4 year old', 4)]
"""

from __future__ import annotations

import re

from assistant.nlu.household import MEMBER_WHO
from assistant.nlu.types import EntitySpan

BENEFICIARY = "beneficiary"
AGE = "age"
#: Under this age a "my N year old" with no noun is a child (the age 아동·청소년 programmes end at).
CHILD_UNDER = 19
#: The possessive right before the age, with an optional adjective ("my little 4 year old", "our eldest, 10").
_POSSESSIVE_EN = re.compile(r"\b(?P<pos>my|our)\s+(?:(?:little|young|youngest|eldest|oldest|elderly|baby)\s+)?$", re.IGNORECASE)
_POSSESSIVE_KO = re.compile(r"(?P<pos>우리|저희)\s*(?:집\s*)?$")
#: The word after the age, past an optional adjective.
_NEXT_EN = re.compile(r"^\s*(?:-\s*)?(?:(?:little|baby|young|elderly|old)\s+)?(?P<word>[A-Za-z][A-Za-z'-]*)?")
_KO_COUNTER = re.compile(r"^\s*(?:짜리|배기)")
_KO_MEMBER_AFTER = re.compile(r"^\s*(?:짜리|배기)\s*(?:" + "|".join(sorted((w for w in MEMBER_WHO if re.match("[가-힣]", w)),
                                                                     key=len, reverse=True)) + ")")
#: Words for a child that are no family word of the table.
_CHILD_WORDS = frozenset({"boy", "boys", "girl", "girls", "baby", "babies", "toddler", "toddlers", "twins", "one", "ones",
                          "kid", "kids", "child", "children", "son", "sons", "daughter", "daughters"})
#: Words that start what follows a noun-less "my 4 year old": a verb, a preposition, a conjunction, a pronoun.
_NO_NOUN = frozenset("""is was has had needs need goes go went attends attend starts started will would can could
should may might does did do gets get qualifies qualify receives receive and or but in at for with who that which
to from on by about if when because so since now this next get got just also still recently""".split())


def _member_value(word: str) -> str | None:
    w = word.lower()
    if w in _CHILD_WORDS:
        return "child"
    return MEMBER_WHO.get(w) or MEMBER_WHO.get(w.rstrip("s"))


def with_member_of_age(text: str, spans: list[EntitySpan]) -> list[EntitySpan]:
    """``spans`` plus a ``beneficiary`` entity for each age that names a family member by its age (rules in the
    module's docstring); text order kept. Never removes or changes an extracted span."""
    taken = [(s.start, s.end) for s in spans]
    added: list[EntitySpan] = []
    for s in spans:
        if s.entity != AGE or not isinstance(s.value, int | float):
            continue
        before, after = text[:s.start], text[s.end:]
        if (m := _POSSESSIVE_EN.search(before)) is not None and re.search(r"[A-Za-z]", s.text):
            nxt = _NEXT_EN.match(after)
            word = nxt.group("word") if nxt is not None else None
            if word is not None and (value := _member_value(word)) is not None:
                start = s.end + nxt.start("word")  # type: ignore[union-attr]  # word is set: nxt matched
                span = EntitySpan(BENEFICIARY, start, start + len(word), word, value, extractor="member_age")
            elif (word is None or word.lower() in _NO_NOUN) and s.value < CHILD_UNDER:
                span = EntitySpan(BENEFICIARY, m.start("pos"), m.end("pos"), m.group("pos"), "child", extractor="member_age")
            else:
                continue
        elif (m := _POSSESSIVE_KO.search(before)) is not None and _KO_COUNTER.match(after) and not _KO_MEMBER_AFTER.match(after):
            span = EntitySpan(BENEFICIARY, m.start("pos"), m.end("pos"), m.group("pos"), "child", extractor="member_age")
        else:
            continue
        if not any(a < span.end and span.start < b for a, b in taken):
            added.append(span)
            taken.append((span.start, span.end))
    return sorted([*spans, *added], key=lambda e: (e.start, e.end)) if added else spans
