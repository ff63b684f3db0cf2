"""Personal data at rest (assistant/stores/masking.py through SQLTrackerStore.append): the database's bytes never hold a
resident registration, phone, card or account number or a street address a user sent, on SQLite (the file and its
WAL read raw) and PostgreSQL (the table files read raw after a checkpoint); entity offsets still point at the right
words; text without personal data is stored unchanged."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from dbservers import PostgresServer
from sqlalchemy import insert
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url

from assistant.errors import DuplicateMessageError
from assistant.nlu.pii import find_pii
from assistant.stores.masking import mask_event, mask_events, mask_reply, mask_text
from assistant.stores.trackers import SQLTrackerStore, conversations, events_table, processed_messages

#: (kind, as the user writes it); numbers unique enough not to appear by chance anywhere else in a database
PII = [
    ("rrn", "880514-1357913"),
    ("phone", "010-9753-1864"),
    ("card", "4539-1488-0343-6467"),
    ("account", "302-1122-3344-51"),
    ("address", "서울특별시 종로구 세종대로 209"),
]
#: a marker without personal data: found in the raw bytes, so the raw reads can find text at all
MARKER = "마스킹대조표지XQZ"


def luhn_ok(digits: str) -> bool:
    total = sum(int(d) if i % 2 == 0 else (2 * int(d) - 9 if int(d) > 4 else 2 * int(d)) for i, d in enumerate(reversed(digits)))
    return total % 10 == 0


def needles() -> list[bytes]:
    """Every raw value as UTF-8 bytes, as written and as bare digits (the forms an entity value takes)."""
    out = []
    for _, raw in PII:
        out.append(raw.encode())
        digits = re.sub(r"\D", "", raw)
        if len(digits) >= 7:
            out.append(digits.encode())
    out.append("세종대로 209".encode())
    return out


def user_event(i: int, kind: str, raw: str) -> dict:
    text = f"{MARKER} 제 정보는 {raw} 이고 기초연금 문의해요"
    start = text.index(raw)
    return {
        "event": "user", "timestamp": 1_732_870_000.0 + i, "text": text, "input_channel": "rest", "message_id": f"m{i}",
        "metadata": {"message_id": f"m{i}", "note": f"고객 메모 {raw}"},
        "parse_data": {"text": text, "intent": {"name": "inform", "confidence": 0.9}, "message_id": f"m{i}",
                       "entities": [{"entity": kind, "value": re.sub(r"\D", "", raw) if kind != "address" else raw,
                                     "start": start, "end": start + len(raw), "extractor": "test"},
                                    {"entity": "benefit", "value": "기초연금", "start": text.index("기초연금"),
                                     "end": text.index("기초연금") + 4, "extractor": "test"}]},
    }


def turn_events(i: int, kind: str, raw: str) -> list[dict]:
    return [
        user_event(i, kind, raw),
        {"event": "slot", "timestamp": 1.0, "name": f"contact_{kind}", "value": raw},
        {"event": "bot", "timestamp": 2.0, "text": f"{MARKER} 입력하신 {re.sub(r'[^0-9가-힣]', ' ', raw)} 확인했어요. 문의: 02-6222-6060",
         "data": {"custom": {"echo": raw}}},
        {"event": "action", "timestamp": 3.0, "name": "action_listen", "policy": "RulePolicy", "confidence": 1.0},
    ]


def reply(raw: str) -> dict:
    return {"messages": [{"text": f"{MARKER} {raw} 확인했어요. 문의: 02-6222-6060", "custom": {}}], "language": "ko",
            "intent": {"name": "inform", "confidence": 0.9}}


def check_loaded(store: SQLTrackerStore) -> None:
    """What comes back: masks in place of every value, entity offsets into the masked text, the rest unchanged."""
    for i, (kind, raw) in enumerate(PII):
        user, slot, bot, action = store.load(f"conv-{kind}")
        sent = user_event(i, kind, raw)
        assert user["text"] == sent["text"].replace(raw, f"<{kind}>")
        assert user["parse_data"]["text"] == user["text"]
        pii_entity, benefit = user["parse_data"]["entities"]
        assert pii_entity["value"] == f"<{kind}>" == user["text"][pii_entity["start"]:pii_entity["end"]]
        assert benefit["value"] == "기초연금" == user["text"][benefit["start"]:benefit["end"]]
        assert user["metadata"] == {"message_id": f"m{i}", "note": f"고객 메모 <{kind}>"}
        assert user["parse_data"]["intent"] == sent["parse_data"]["intent"] and user["message_id"] == f"m{i}"
        assert slot == {"event": "slot", "timestamp": 1.0, "name": f"contact_{kind}", "value": f"<{kind}>"}
        # the user's own data is masked where the assistant echoes it (other separators too); the agency's number is not
        assert bot["text"] == f"{MARKER} 입력하신 <{kind}> 확인했어요. 문의: 02-6222-6060"
        assert bot["data"] == {"custom": {"echo": f"<{kind}>"}}
        assert action == turn_events(i, kind, raw)[3]
        assert store.reply_for(f"conv-{kind}", f"m{i}") == reply(f"<{kind}>")


def write_all(store: SQLTrackerStore) -> list[list[dict]]:
    written = []
    for i, (kind, raw) in enumerate(PII):
        events = turn_events(i, kind, raw)
        before = copy.deepcopy(events)
        store.append(f"conv-{kind}", events, expected_seq=0, message_id=f"m{i}", reply=reply(raw))
        assert events == before  # the caller's (in-memory) events keep the raw text
        written.append(events)
    return written


def test_the_samples_are_personal_data_by_the_detector() -> None:
    """The fixture's values are what they claim (so the tests below test masking, not a miss of the detector)."""
    assert luhn_ok(re.sub(r"\D", "", PII[2][1]))
    for kind, raw in PII:
        assert [(s.kind, raw[s.start:s.end]) for s in find_pii(raw)] == [(kind, raw)]


def test_sqlite_file_bytes_hold_no_personal_data(tmp_path: Path) -> None:
    path = tmp_path / "trackers.db"
    store = SQLTrackerStore(f"sqlite:///{path}")
    write_all(store)
    check_loaded(store)
    # the database file and its write-ahead log as bytes, before and after a checkpoint moves the log into the file
    for checkpoint in (False, True):
        if checkpoint:
            with store.engine.connect() as c:
                c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("trackers.db"))
        assert MARKER.encode() in raw
        assert [n.decode() for n in needles() if n in raw] == []
    store.engine.dispose()


def test_postgres_table_files_hold_no_personal_data(pg_server: PostgresServer) -> None:
    url = pg_server.create_database("masking_at_rest")
    store = SQLTrackerStore(url)
    write_all(store)
    check_loaded(store)
    with store.engine.connect() as c:
        data = " ".join(r[0] for r in c.execute(sql("SELECT data FROM tracker_events")))
        data += " ".join(r[0] for r in c.execute(sql("SELECT reply FROM tracker_processed_messages")))
        c.exec_driver_sql("CHECKPOINT")  # table pages reach the files
        oid = c.execute(sql("SELECT oid FROM pg_database WHERE datname = current_database()")).scalar()
    assert MARKER in data and [n.decode() for n in needles() if n.decode() in data] == []
    raw = b"".join(p.read_bytes() for p in (pg_server.datadir / "base" / str(oid)).iterdir() if p.is_file())
    assert MARKER.encode() in raw
    assert [n.decode() for n in needles() if n in raw] == []
    store.engine.dispose()


def test_text_without_personal_data_is_stored_unchanged(store: SQLTrackerStore) -> None:
    events = [
        {"event": "user", "timestamp": 1.0, "text": "기초연금 신청 방법 2024-05-01 이후, 1588-1234 상담", "input_channel": "rest",
         "message_id": "x", "metadata": {}, "parse_data": {"text": "기초연금 신청 방법 2024-05-01 이후, 1588-1234 상담",
                                                       "intent": {"name": "ask", "confidence": 0.5},
                                                       "entities": [{"entity": "date", "value": "2024-05-01", "start": 11, "end": 21}]}},
        {"event": "bot", "timestamp": 2.0, "text": "보건복지상담센터 129, 국민연금공단 1355, 02-6222-6060으로 문의하세요.",
         "data": {"custom": {"citations": [{"url": "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/000000465790", "title": "기초연금"}]}}},
        {"event": "slot", "timestamp": 3.0, "name": "region", "value": "강남구"},
        {"event": "slot", "timestamp": 4.0, "name": "age", "value": 67},
    ]
    store.append("plain", events, expected_seq=0, message_id="x", reply={"messages": [{"text": events[1]["text"]}]})
    assert store.load("plain") == json.loads(json.dumps(events))
    assert store.reply_for("plain", "x") == {"messages": [{"text": events[1]["text"]}]}


def test_a_duplicate_message_gets_the_masked_reply_and_masking_is_idempotent(store: SQLTrackerStore) -> None:
    kind, raw = PII[1]
    store.append("dup", turn_events(0, kind, raw), expected_seq=0, message_id="m0", reply=reply(raw))
    with pytest.raises(DuplicateMessageError) as caught:
        store.append("dup", turn_events(0, kind, raw), expected_seq=None, message_id="m0", reply=reply(raw))
    assert caught.value.reply == reply(f"<{kind}>") == mask_reply(reply(raw), turn_events(0, kind, raw))
    assert mask_reply(caught.value.reply) == caught.value.reply
    for ev in store.load("dup"):
        assert mask_event(ev) == ev
    assert store.count("dup") == 4  # nothing of the duplicate was written


class TestMaskEvent:
    def test_offsets_after_several_masks(self) -> None:
        text = "A 010-9753-1864 B 880514-1357913 C 강남구"
        ev = {"event": "user", "text": text, "parse_data": {"entities": [
            {"entity": "phone-number", "value": "01097531864", "start": 2, "end": 15},
            {"entity": "rrn", "value": "8805141357913", "start": 18, "end": 32},
            {"entity": "region", "value": "강남구", "start": 35, "end": 38},
            {"entity": "part", "value": "9753", "start": 6, "end": 10},  # inside personal data: reads as its mask
        ]}}
        out = mask_event(ev)
        assert out["text"] == "A <phone> B <rrn> C 강남구"
        got = [(e["value"], out["text"][e["start"]:e["end"]]) for e in out["parse_data"]["entities"]]
        assert got == [("<phone>", "<phone>"), ("<rrn>", "<rrn>"), ("강남구", "강남구"), ("<phone>", "<phone>")]
        assert ev["text"] == text  # not changed in place

    def test_payload_entities_without_offsets_are_masked_by_value(self) -> None:
        ev = {"event": "user", "text": '/inform{"phone": "010-9753-1864"}', "parse_data": {"entities": [
            {"entity": "phone", "value": "010-9753-1864", "start": None, "end": None}]}}
        out = mask_event(ev)
        assert out["parse_data"]["entities"][0]["value"] == "<phone>" and "9753" not in json.dumps(out)

    def test_names_and_ids_are_never_masked(self) -> None:
        ev = {"event": "slot", "name": "010-9753-1864", "value": "x", "timestamp": 1.0}  # a (silly) slot name is a name
        assert mask_event(ev) == ev
        act = {"event": "action", "name": "action_listen", "policy": "RulePolicy", "confidence": 1.0, "timestamp": 1.0}
        assert mask_event(act) == act

    def test_agent_and_unknown_events_are_masked_as_text(self) -> None:
        assert mask_event({"event": "agent", "text": "고객님 번호 010-9753-1864 확인"})["text"] == "고객님 번호 <phone> 확인"
        assert mask_event({"event": "reminder", "entities": [{"entity": "rrn", "value": "880514-1357913"}]})["entities"] == [
            {"entity": "rrn", "value": "<rrn>"}]

    def test_bot_text_masks_numbers_that_are_personal_by_nature(self) -> None:
        ev = {"event": "bot", "text": "카드 4539-1488-0343-6467, 주민번호 880514-1357913, 문의 02-6222-6060"}
        assert mask_event(ev)["text"] == "카드 <card>, 주민번호 <rrn>, 문의 02-6222-6060"
        assert mask_text(ev["text"]) == "카드 <card>, 주민번호 <rrn>, 문의 <phone>"  # logs mask every phone


def database_bytes(store: SQLTrackerStore, request: pytest.FixtureRequest) -> bytes:
    """The database's files as bytes: the SQLite file and its WAL, or the PostgreSQL database's table files."""
    if store.is_sqlite:
        path = Path(str(make_url(store.url).database))
        return b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name))
    server: PostgresServer = request.getfixturevalue("pg_server")
    with store.engine.connect() as c:
        c.exec_driver_sql("CHECKPOINT")
        oid = c.execute(sql("SELECT oid FROM pg_database WHERE datname = current_database()")).scalar()
    return b"".join(p.read_bytes() for p in (server.datadir / "base" / str(oid)).iterdir() if p.is_file())


def test_rows_written_before_masking_are_masked_in_place(store: SQLTrackerStore, request: pytest.FixtureRequest) -> None:
    """``mask_stored`` (``assistant trackers mask``): raw rows of an older version are masked, counts unchanged,
    the old row versions gone from the files; a second run changes nothing."""
    for i, (kind, raw) in enumerate(PII):  # rows as an older store wrote them: verbatim
        events = turn_events(i, kind, raw)
        with store.db.write("seeding") as conn:
            conn.execute(insert(conversations).values(conversation_id=f"conv-{kind}", last_seq=len(events), created_at=0.0,
                                                      updated_at=0.0))
            conn.execute(insert(events_table), [{"conversation_id": f"conv-{kind}", "seq": n + 1, "type_name": e["event"],
                                                 "timestamp": None, "data": json.dumps(e, ensure_ascii=False)}
                                                for n, e in enumerate(events)])
            conn.execute(insert(processed_messages).values(conversation_id=f"conv-{kind}", message_id=f"m{i}",
                                                           reply=json.dumps(reply(raw), ensure_ascii=False), created_at=0.0))
    before = database_bytes(store, request)
    assert [n for n in needles() if n in before]  # the raw read sees the old rows
    assert store.mask_stored() == (3 * len(PII), len(PII))  # user, slot and bot events of each conversation; not the action
    check_loaded(store)
    assert [store.count(f"conv-{kind}") for kind, _ in PII] == [4] * len(PII)
    after = database_bytes(store, request)
    assert MARKER.encode() in after and [n.decode() for n in needles() if n in after] == []
    assert store.mask_stored() == (0, 0)


def test_cli_trackers_mask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    store = SQLTrackerStore(f"sqlite:///{tmp_path / 'trackers.db'}")  # the home's default tracker store
    kind, raw = PII[1]
    with store.db.write("seeding") as conn:
        conn.execute(insert(conversations).values(conversation_id="old", last_seq=1, created_at=0.0, updated_at=0.0))
        conn.execute(insert(events_table).values(conversation_id="old", seq=1, type_name="user", timestamp=None,
                                                 data=json.dumps(user_event(0, kind, raw), ensure_ascii=False)))
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path))
    monkeypatch.delenv("ASSISTANT_TRACKER_STORE_URL", raising=False)
    assert main(["trackers", "mask", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"events": 1, "replies": 0}
    assert store.load("old")[0]["text"] == user_event(0, kind, raw)["text"].replace(raw, f"<{kind}>")
    store.engine.dispose()


@pytest.mark.parametrize("written", ["880514 - 1357913", "８８０５１４－１３５７９１３", "8805141357913", "4539 1488 0343 6467",
                                     "계좌 30211223344"])
def test_bot_text_numbers_in_any_layout_the_detector_knows(written: str) -> None:
    """The cheap ten-digit pre-check in front of the detector never lets a number the detector finds through."""
    text = f"확인: {written} 입니다"
    expected = mask_text(text)
    assert expected != text  # the detector finds it (so the test is about the pre-check)
    assert mask_event({"event": "bot", "text": text})["text"] == expected


def test_identifiers_set_by_actions_are_not_taken_for_personal_data() -> None:
    """Slot values and custom data the assistant sets are masked like bot text, not by the full detector: the
    catalogue's service id B01000300003 (its digits read as a mobile number) and its gov.kr URL stay intact, while
    a phone number the user gave in the same turn is masked wherever it is repeated."""
    service = {"service_id": "B01000300003", "service_name": "청년 월세 지원",
               "url": "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/B01000300003"}
    user = {"event": "user", "text": "연락처는 010-2468-1357 입니다", "parse_data": {"entities": []}}
    events = [user, {"event": "slot", "name": "eligible_services", "value": [service]},
              {"event": "slot", "name": "contact", "value": "01024681357"},
              {"event": "slot", "name": "mydata_pending_consent", "value": "6f21ea69-2729-4110-a1fb-b311c971aaa5"}]
    _, services, contact, consent = mask_events(events)
    assert consent["value"] == "6f21ea69-2729-4110-a1fb-b311c971aaa5"  # a UUID's "69-2729-4110" is no account number
    assert services["value"] == [service]
    assert contact["value"] == "<phone>"
