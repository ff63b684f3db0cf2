"""Saying back what a form understood, and choosing among several entities of one slot.

* :func:`most_specific`: a message with several values for one slot that refine each other ("Seoul Gangnam-gu" →
  ``["서울특별시", "서울특별시 강남구"]``; "Gangnam-gu, Seoul" in the other order) fills the slot with the most specific
  one; values that do not refine each other keep Rasa's rule (the last one).
* :func:`differs_from_typed`: whether the value stored for an answer says more than, or other than, what was typed
  ("분당구" stored as "경기도 성남시 분당구"; "Haeundae-gu" as "부산광역시 해운대구"): then the form says what it
  understood (``utter_understood_<slot>``) with the next question (fresh-user test s8, defect 9).
* :func:`said_values`: the placeholders such a message fills: ``{value}`` as stored and ``{value_en}``, a place
  written in English ("Bundang-gu, Seongnam-si, Gyeonggi-do", :func:`assistant.regions.place_for_language`, the one
  writer of an English place).
* :func:`turn_language`: the language of a typed message in its conversation (a place name alone keeps the
  conversation's).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from assistant.nlu.language import detect_language, requested_language
from assistant.regions import only_place_names, place_for_language

#: Slots that hold a Korean place name (``{value_en}`` is its English writing).
PLACE_SLOTS = frozenset({"region"})
_WORD = re.compile(r"[0-9A-Za-z가-힣]+")
_HANGUL = re.compile(r"[가-힣]")


def most_specific(values: list[Any]) -> Any:
    """The most specific of ``values`` when each one's words begin the longest one's words (one place read at
    several levels: ``["서울특별시", "서울특별시 강남구"]`` → ``"서울특별시 강남구"``), else the last (Rasa's rule for a
    slot that holds one value). ``values`` must not be empty."""
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    if len(texts) != len(values) or len(values) < 2:
        return values[-1]
    longest = max(texts, key=lambda v: len(v.split()))
    words = longest.split()
    if all(words[: len(v.split())] == v.split() for v in texts):
        return longest
    return values[-1]


def said_values(slot: str, value: Any) -> dict[str, Any]:
    """The placeholders of a message that says ``value`` of ``slot``: ``value`` and ``value_en`` (a place in
    English for :data:`PLACE_SLOTS`, else the value itself)."""
    english = place_for_language(value, "en") if slot in PLACE_SLOTS and isinstance(value, str) and _HANGUL.search(value) else value
    return {"value": value, "value_en": english}


#: Administrative units an official place name ends with: "서울" typed is "서울특별시" stored, nothing new said.
_UNITS = ("특별자치시", "특별자치도", "특별시", "광역시", "도", "시", "군", "구")


def _typed(word: str, said: set[str]) -> bool:
    """Whether a stored ``word`` was typed: inside a typed word ("해운대구" in "해운대구에"), or its stem before an
    administrative unit begins one ("서울특별시" for "서울에", "부산광역시" for "부산": the official form of the same
    name; "성남시" is not typed in "분당구", nor "전남광주통합특별시" in "광주")."""
    w = word.lower()
    if any(w in t for t in said):
        return True
    stem = next((w[: -len(u)] for u in _UNITS if w.endswith(u) and len(w) - len(u) >= 2), None)
    return stem is not None and any(t.startswith(stem) for t in said)


def differs_from_typed(typed: str, stored: str, english: bool) -> bool:
    """Whether ``stored`` (in English when ``english``: :func:`~assistant.regions.place_for_language`) has a word that ``typed``
    does not (case, punctuation and order aside; a name typed without its unit, 서울 for 서울특별시, is typed):
    "분당구" vs "경기도 성남시 분당구" → True, "Haeundae-gu, Busan" vs "Haeundae-gu, Busan" → False, "부산 해운대구" vs
    "부산광역시 해운대구" → False, "광주 북구" vs "전남광주통합특별시 북구" → True."""
    said = {w.lower() for w in _WORD.findall(typed)}
    shown = place_for_language(stored, "en") if english and _HANGUL.search(stored) else stored
    return any(not _typed(w, said) for w in _WORD.findall(shown))


def turn_language(text: str, conversation: Literal["ko", "en"] | None, default: Literal["ko", "en"]) -> Literal["ko", "en"]:
    """The language of a typed message (not a button's payload) in its conversation.

    A message that is nothing but place names (:func:`assistant.regions.only_place_names`: "Haeundae" at a Korean
    conversation's region question, "해운대구" in an English one) keeps the conversation's language: the name
    says where, not which language (fresh-user s10 #3: "Haeundae" switched a Korean conversation to English).
    A request for a language ("영어로 알려 주세요", "Korean please": :func:`~assistant.nlu.language.requested_language`) is in the language it asks for. Any other text speaks for itself (:func:`~assistant.nlu.language.detect_language`, ``default`` for text of
    no language or an undecided mix).

    Args:
        text: the message, spaces normalised.
        conversation: the conversation's language so far (None for a new conversation: then the text decides).
        default: the page's ``metadata.language``, else the conversation's, else ``"ko"``.

    Example:
        >>> turn_language("Haeundae", "ko", "ko"), turn_language("Haeundae", None, "ko"), turn_language("Busan please", "ko", "ko")
        ('ko', 'en', 'en')
    """
    if conversation is not None and only_place_names(text):
        return conversation
    # "영어로 알려 주세요" is Korean asking for English (assistant.dialogue.language_switch)
    if (asked := requested_language(text)) is not None:
        return asked
    return detect_language(text, default=default)
