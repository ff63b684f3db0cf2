"""Markup and code in a message (s42 closing note §3: "<script>…</script> 에너지바우처" was refused as out of scope and
"'; DROP TABLE users; --" was answered about a MyData consent, the classifier's ``revoke_consent`` at 0.77). The words
of a message with HTML are the message; an SQL statement or bare markup is nothing a citizen asks: out of scope,
deterministic. Units on ``assistant.nlu.preprocess``, then through the engine on the bundled corpus."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.nlu.preprocess import code_only, without_markup


@pytest.mark.parametrize(("text", "words"), [
    ("<script>alert(1)</script> 에너지바우처", "에너지바우처"),
    ("<SCRIPT type='text/javascript'>\nvar a = 1;\n</SCRIPT>에너지바우처 알려줘", "에너지바우처 알려줘"),
    ("<b>주거급여</b> 알려줘", "주거급여 알려줘"),
    ("<p>청년 월세</p><!-- note --><br/>신청 방법", "청년 월세 신청 방법"),
    ("&lt;b&gt;청년&lt;/b&gt; 월세", "청년 월세"),
    # no markup: unchanged, spaces and all
    ("소득 <100만원> 이하예요  <3", "소득 <100만원> 이하예요  <3"),
    ("a < b 이고 c > d", "a < b 이고 c > d"),
    ("R&D 지원사업", "R&D 지원사업"),
])
def test_without_markup(text: str, words: str) -> None:
    assert without_markup(text) == words


@pytest.mark.parametrize(("text", "code"), [
    ("'; DROP TABLE users; --", True), ("SELECT * FROM benefits WHERE 1=1", True), ("admin' OR 1=1 --", True),
    ("1 UNION SELECT password FROM accounts", True), ("<script>alert(1)</script>", True), ("<img src=x onerror=alert(1)>", True),
    ("에너지바우처 select 어떻게 해요", False), ("Can I select more than one benefit?", False), ("<b>주거급여</b>", False),
    ("update my address please", False), ("drop me a line about the energy voucher", False),
])
def test_code_only(text: str, code: bool) -> None:
    assert code_only(text) is code


def _say(p: Any, text: str, sender: str) -> Any:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def test_the_words_of_a_message_with_markup_are_answered(make_processor: Any) -> None:
    p = make_processor()
    plain = _say(p, "에너지바우처", "s-markup-plain")
    marked = _say(p, "<script>alert(1)</script> 에너지바우처", "s-markup")
    cited = [c["doc_id"] for m in marked.messages for c in m.custom.get("citations", [])]
    assert cited and cited == [c["doc_id"] for m in plain.messages for c in m.custom.get("citations", [])]
    stored = p.load("s-markup").latest_message
    assert stored is not None and stored.text == "에너지바우처"  # the script is not kept nor echoed


@pytest.mark.parametrize("text", ["'; DROP TABLE users; --", "SELECT * FROM benefits WHERE 1=1", "<script>alert(1)</script>"])
def test_code_is_out_of_scope(make_processor: Any, text: str) -> None:
    p = make_processor()
    turn = _say(p, text, "s-code")
    latest = p.load("s-code").latest_message
    assert latest is not None and latest.intent_name == "out_of_scope"
    assert all(m.custom.get("abstained") for m in turn.messages if "abstained" in m.custom)
    assert not any("consent" in m.text.lower() or "동의" in m.text for m in turn.messages)
