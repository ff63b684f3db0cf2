"""Receipt numbers the assistant issues are never masked as personal data (s8 fresh-user defect 2).

``new_receipt()`` drew ``TK-20261130-78532JB4`` (``20261130-78532…`` is a Luhn-valid card shape) and
``TK-20261130-WT054174`` (``054174`` a phone number): the reply said ``TK-<card>JB4`` and the citizen could not cancel.
Both halves of the fix are checked: every masker leaves a system id alone whatever its digits, and the generator
never issues one that the detectors (without that exemption) read as personal data.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.logging_config import configure_logging
from assistant.nlu.pii import find_personal_data, find_phone_numbers, find_rrns, mask_pii
from assistant.nlu.system_ids import system_id_spans
from assistant.stores.masking import mask_events, mask_reply
from connectors.tasks import store
from connectors.tasks.dialogue import RECEIPT_PATTERN
from connectors.tasks.store import CROCKFORD, new_receipt, reads_as_personal_data

#: Receipts new_receipt() issued in the fresh-user run, and what the detectors read in them without the exemption.
MANGLED = [("TK-20261130-78532JB4", "card"), ("TK-20261130-336732XG", "card"), ("TK-20261130-WT054174", "phone")]
RECEIPT_FORMAT = st.from_regex(re.compile(r"TK-[0-9]{8}-[" + CROCKFORD + "]{8}"), fullmatch=True)


def contexts(receipt: str) -> list[str]:
    """Where a receipt is written: a reply, a citizen's message (also lower case), a log line with the cancel URL."""
    return [receipt, f"접수번호는 {receipt}예요. 진행 상황은 \"{receipt} 조회해 주세요\"라고 물어보세요.",
            f"{receipt.lower()} 취소해 주세요", f"Your receipt number is {receipt}.",
            f'"POST /connectors/tasks/applications/{receipt}/cancel HTTP/1.1" 404']


def assert_untouched(receipt: str) -> None:
    for text in contexts(receipt):
        assert find_personal_data(text) == [], text
        assert mask_pii(text) == text
        assert find_rrns(text) == [] and [p for p in find_phone_numbers(text) if p.personal] == []
        reply = {"messages": [{"text": text, "custom": {"receipt": receipt}}]}
        assert mask_reply(reply) == reply
        events = [{"event": "user", "text": text, "parse_data": {"text": text, "entities": []}},
                  {"event": "bot", "text": text}, {"event": "slot", "name": "last_receipt", "value": receipt}]
        assert mask_events(events) == events


@pytest.mark.parametrize(("receipt", "kind"), MANGLED)
def test_receipts_that_were_masked_are_left_alone(receipt: str, kind: str) -> None:
    raw = [s.kind for s in find_personal_data(receipt, exempt_system_ids=False)]
    assert raw == [kind]  # the detectors do read a number there ...
    assert_untouched(receipt)  # ... but no masker touches an id the assistant issued
    assert reads_as_personal_data(receipt)  # and the generator would not issue it


@settings(max_examples=300, deadline=None)
@given(RECEIPT_FORMAT)
def test_any_receipt_of_the_format_is_never_masked(receipt: str) -> None:
    assert RECEIPT_PATTERN.fullmatch(receipt)
    assert system_id_spans(receipt) == [(0, len(receipt))]
    assert_untouched(receipt)


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2099, 12, 31)))
def test_new_receipt_reads_as_no_personal_data_even_without_the_exemption(when: dt.datetime) -> None:
    receipt = new_receipt(when.replace(tzinfo=dt.UTC).timestamp())
    assert RECEIPT_PATTERN.fullmatch(receipt)
    for text in contexts(receipt):
        assert find_personal_data(text, exempt_system_ids=False) == [], text
    assert_untouched(receipt)


def test_new_receipt_draws_again_when_a_draw_reads_as_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter(["78532JB4", "WT054174", "ABCD1234"])
    monkeypatch.setattr(store, "_token", lambda: next(draws))
    noon_kst_30_nov = dt.datetime(2026, 11, 30, 3, tzinfo=dt.UTC).timestamp()
    assert new_receipt(noon_kst_30_nov) == "TK-20261130-ABCD1234"
    assert not reads_as_personal_data("TK-20261130-ABCD1234")


def test_personal_data_next_to_a_receipt_is_still_masked() -> None:
    text = "TK-20261130-78532JB4 신청했고 연락처는 010-9753-1864, 주민번호 880514-1357913이에요"
    assert mask_pii(text) == "TK-20261130-78532JB4 신청했고 연락처는 <phone>, 주민번호 <rrn>이에요"
    # a chain longer than any id the assistant issues is not one (its numbers are left to the detectors' own rules)
    assert system_id_spans("TK-880514-1357913-010-9753-1864") == []
    # only the issued shape is exempt: a resident number written after the prefix is still masked
    assert system_id_spans("TK-880514-1357913") == [] and mask_pii("TK-880514-1357913") == "TK-<rrn>"
    assert system_id_spans("TK-20261130-78532JB4-010-9753-1864") == []
    assert system_id_spans("XTK-20261130-78532JB4") == [] and system_id_spans("1TK-20261130-78532JB4") == []


def test_an_echo_of_the_users_number_inside_a_receipt_is_not_masked() -> None:
    # the citizen's account digits happen to be the receipt's: the echo masker of bot text must skip the id
    said = "계좌 20261130123456로 입금해 주세요"
    events = [{"event": "user", "text": said, "parse_data": {"text": said, "entities": []}},
              {"event": "bot", "text": "접수번호는 TK-20261130-123456XY예요. 계좌 2026-1130-123456로 입금할게요"}]
    masked = mask_events(events)
    assert masked[0]["text"] == "계좌 <account>로 입금해 주세요"
    assert masked[1]["text"] == "접수번호는 TK-20261130-123456XY예요. 계좌 <account>로 입금할게요"


def test_logs_keep_the_receipt_in_the_cancel_url() -> None:
    buf = io.StringIO()
    handler = configure_logging(verbose=True, fmt="text", stream=buf)
    try:
        logging.getLogger("assistant.test").info('"POST /connectors/tasks/applications/%s/cancel" 404', "TK-20261130-78532JB4")
    finally:
        logging.getLogger().removeHandler(handler)
    assert "/applications/TK-20261130-78532JB4/cancel" in buf.getvalue()
