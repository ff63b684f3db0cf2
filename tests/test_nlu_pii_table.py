"""The table behind :func:`assistant.nlu.preprocess.without_personal_data`: does personal data change the intent?

128 messages: 8 questions (4 Korean, 4 English) × 8 personal-data sentences of their language × before / after.
The reference is the intent the bundled classifier gives the question alone. Each way of reading the message is
counted (classifier alone: as written, each span replaced by a word for its kind, spans deleted, the function; and
the whole :meth:`NluPipeline.parse`, which keeps the surer of two readings). Re-measured after the change that keeps
a question sentence's words when it holds the data (figures in the function's docstring). A second table puts the
data inside the question sentence: the intent must be the one of the message with the data cut out by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.nlu.pii import find_pii
from assistant.nlu.preprocess import without_personal_data
from assistant.nlu.tokenizer import normalize_spaces

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 132 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

QUESTIONS = {
    "ko": ["주거급여 받을 수 있나요?", "에너지바우처 신청 방법이 뭐예요?", "기초연금 신청할래요", "상담원 연결해 주세요"],
    "en": ["Can I get housing benefit?", "How do I apply for the energy voucher?", "I want to talk to a person",
           "What documents do I need for the basic pension?"],
}  # fmt: skip
PERSONAL = {
    "ko": ["전화는 010-1234-5678이에요.", "제 주민번호는 900101-1234567입니다.", "이메일은 hong@example.com 이에요.",
           "계좌는 110-123-456789예요.", "카드번호 4111-1111-1111-1111 입니다.", "주소는 서울특별시 마포구 월드컵북로 396이에요.",
           "제 이름은 홍길동이고 휴대폰은 01098765432입니다.", "주민등록번호 900101-1234567, 계좌 110-123-456789."],
    "en": ["My phone is 010-1234-5678.", "My resident number is 900101-1234567.", "My email is hong@example.com.",
           "My account is 110-123-456789.", "My card is 4111 1111 1111 1111.", "I live at 12 High Street.",
           "Call me on +82 10 9876 5432.", "RRN 900101-1234567, account 110-123-456789."],
}  # fmt: skip
#: (message with the data inside the question sentence, the same message with the data cut out by hand)
INSIDE = [
    ("제 주민번호 900101-1234567인데 주거급여 받을 수 있나요?", "제 주민번호 인데 주거급여 받을 수 있나요?", "ko"),
    ("주민번호 900101-1234567 인데 기초연금 받을 수 있나요? 나이는 61살이고 부산 살아요",
     "주민번호 인데 기초연금 받을 수 있나요? 나이는 61살이고 부산 살아요", "ko"),
    ("010-1234-5678로 연락 주시면 에너지바우처 신청 방법 알려줄 수 있나요?", "로 연락 주시면 에너지바우처 신청 방법 알려줄 수 있나요?", "ko"),
    ("My RRN is 900101-1234567, can I get housing benefit?", "My RRN is , can I get housing benefit?", "en"),
    ("I'm on 010-1234-5678, how do I apply for the energy voucher?", "I'm on , how do I apply for the energy voucher?", "en"),
]  # fmt: skip
KIND_WORD = {
    "ko": {"phone": "전화번호", "rrn": "주민번호", "email": "이메일", "account": "계좌번호", "card": "카드번호", "address": "주소"},
    "en": {"phone": "phone number", "rrn": "resident number", "email": "email", "account": "account number",
           "card": "card number", "address": "address"},
}  # fmt: skip


def _replace(text: str, lang: str, word: bool) -> str:
    """Each personal-data span replaced by a word for its kind (``word``) or deleted."""
    parts: list[str] = []
    pos = 0
    for s in find_pii(text):
        parts += [text[pos : s.start], KIND_WORD[lang].get(s.kind, s.kind) if word else ""]
        pos = s.end
    parts.append(text[pos:])
    return " ".join("".join(parts).split())


def _intents(nlu: Any, texts: list[str], langs: list[str]) -> list[str]:
    vectors = nlu.embedder.embed_queries(texts)
    return [nlu.classifier.parse(t, v, lang).intent.name for t, v, lang in zip(texts, vectors, langs, strict=True)]


def test_personal_data_table(bundled_router) -> None:  # type: ignore[no-untyped-def]
    nlu = bundled_router.nlu
    rows = [(q, normalize_spaces(f"{p} {q}" if first else f"{q} {p}"), lang)
            for lang, qs in QUESTIONS.items() for q in qs for p in PERSONAL[lang] for first in (True, False)]  # fmt: skip
    assert len(rows) == 128 and all(find_pii(text) for _, text, _ in rows)
    langs = [lang for _, _, lang in rows]
    reference = _intents(nlu, [q for q, _, _ in rows], langs)
    readings = {
        "as written": [t for _, t, _ in rows],
        "kind word": [_replace(t, lang, True) for _, t, lang in rows],
        "spans deleted": [_replace(t, lang, False) for _, t, lang in rows],
        "without_personal_data": [without_personal_data(t) for _, t, _ in rows],
    }
    table = {name: sum(a == b for a, b in zip(_intents(nlu, texts, langs), reference, strict=True)) for name, texts in readings.items()}
    parsed = [nlu.parse(t, language=lang).nlu.intent.name for _, t, lang in rows]
    table["NluPipeline.parse"] = sum(a == b for a, b in zip(parsed, reference, strict=True))
    misses = [(t, got, ref) for (_, t, _), got, ref in zip(rows, parsed, reference, strict=True) if got != ref]
    # 127/128 was the figure before the question-sentence change; neither reading may fall below it
    assert table["without_personal_data"] >= 127 and table["NluPipeline.parse"] >= 127, (table, misses)
    assert table["without_personal_data"] >= max(table["as written"], table["kind word"]), table


@pytest.mark.parametrize(("text", "by_hand", "lang"), INSIDE)
def test_data_inside_the_question_sentence(bundled_router, text: str, by_hand: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    nlu = bundled_router.nlu
    (expected,) = _intents(nlu, [by_hand], [lang])
    assert without_personal_data(text) == by_hand
    assert nlu.parse(text, language=lang).nlu.intent.name == expected
