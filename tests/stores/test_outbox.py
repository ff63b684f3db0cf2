"""The outbox of proactive messages (assistant/stores/outbox.py): cursor semantics, order, expiry, concurrent
writers; on SQLite and PostgreSQL (``db_url``)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from assistant.errors import InvalidConfigError, InvalidInputError
from assistant.stores.outbox import MAX_FETCH, OutboxStore, parse_cursor


def texts(page: Any) -> list[str]:
    return [m["text"] for m in page.messages]


class TestOutboxStore:
    def test_fetch_returns_in_order_and_same_cursor_refetches_the_same(self, db_url: str) -> None:
        box = OutboxStore(db_url)
        assert box.append("web-a", [{"text": "하나"}, {"text": "둘"}]) == [1, 2]
        first = box.fetch("web-a")
        assert texts(first) == ["하나", "둘"] and not first.more
        # the response was lost: the client asks again with its old (empty) cursor and gets the same messages
        assert texts(box.fetch("web-a")) == ["하나", "둘"]
        box.append("web-a", [{"text": "셋"}])
        again = box.fetch("web-a", first.cursor)
        assert texts(again) == ["셋"]
        assert texts(box.fetch("web-a", first.cursor)) == ["셋"]  # same cursor, same answer
        assert texts(box.fetch("web-a", again.cursor)) == []
        assert box.fetch("web-a", again.cursor).cursor == again.cursor

    def test_acknowledged_rows_are_deleted_and_numbering_continues(self, db_url: str) -> None:
        box = OutboxStore(db_url)
        box.append("web-a", [{"text": "1"}, {"text": "2"}])
        page = box.fetch("web-a")
        box.fetch("web-a", page.cursor)  # acknowledges 1 and 2
        with box.db.read("test") as conn:
            left = conn.exec_driver_sql("SELECT count(*) FROM outbox_messages").scalar()
        assert left == 0
        # a later message is after the client's cursor although every earlier row is gone
        assert box.append("web-a", [{"text": "3"}]) == [3]
        assert texts(box.fetch("web-a", page.cursor)) == ["3"]

    def test_recipients_are_separate(self, db_url: str) -> None:
        box = OutboxStore(db_url)
        box.append("web-a", [{"text": "A"}])
        box.append("web-b", [{"text": "B"}])
        assert texts(box.fetch("web-b")) == ["B"]
        assert texts(box.fetch("web-a")) == ["A"]
        assert box.fetch("web-unknown").messages == () and box.fetch("web-unknown").cursor == ""

    def test_limit_pages_through_everything(self, db_url: str) -> None:
        box = OutboxStore(db_url)
        box.append("web-a", [{"text": str(i)} for i in range(7)])
        seen: list[str] = []
        cursor = ""
        while True:
            page = box.fetch("web-a", cursor, limit=3)
            seen += texts(page)
            cursor = page.cursor
            if not page.more:
                break
        assert seen == [str(i) for i in range(7)]

    def test_cursor_of_another_epoch_or_beyond_the_end_reads_from_the_start(self, db_url: str) -> None:
        box = OutboxStore(db_url)
        box.append("web-a", [{"text": "x"}])
        epoch, seq = parse_cursor(box.fetch("web-a").cursor) or ("", 0)
        assert seq == 1
        other = "0" * len(epoch) if epoch != "0" * len(epoch) else "1" * len(epoch)
        assert texts(box.fetch("web-a", f"{other}-1")) == ["x"]  # nothing acknowledged by a foreign cursor
        assert texts(box.fetch("web-a", f"{epoch}-99")) == ["x"]

    def test_expired_messages_are_dropped(self, db_url: str) -> None:
        box = OutboxStore(db_url, ttl=60)
        box.append("web-a", [{"text": "old"}])
        with box.db.write("test") as conn:
            conn.exec_driver_sql("UPDATE outbox_messages SET created_at = created_at - 61")
        assert texts(box.fetch("web-a")) == []
        box.append("web-a", [{"text": "new"}])  # appending also purges what expired
        assert texts(box.fetch("web-a")) == ["new"]
        with box.db.read("test") as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM outbox_messages").scalar() == 1
        assert box.purge(now=time.time() + 61) == 1

    def test_korean_text_and_nested_json_round_trip(self, db_url: str) -> None:
        box = OutboxStore(db_url)
        msg = {"text": "에너지바우처 🙂\u200b", "buttons": [{"title": "예", "payload": "/affirm"}],
               "custom": {"citations": [{"title": "복지로", "url": "https://www.bokjiro.go.kr/"}]}}
        box.append("웹-사용자", [msg])
        assert box.fetch("웹-사용자").messages == (msg,)

    def test_personal_numbers_in_bot_text_are_stored_masked_public_phones_kept(self, db_url: str) -> None:
        box = OutboxStore(db_url)
        text = "주민등록번호 900101-1234567, 카드 4111 1111 1111 1111 확인. 문의: 02-6222-6060"
        box.append("web-pii", [{"text": text, "custom": {"note": "900101-1234567"}}])
        (stored,) = box.fetch("web-pii").messages
        for secret in ("900101-1234567", "1234567", "4111 1111 1111 1111", "4111"):
            assert secret not in stored["text"] and secret not in str(stored["custom"])
        assert "02-6222-6060" in stored["text"]  # an agency's public number is not a citizen's secret
        assert stored["text"].startswith("주민등록번호 ") and stored["text"].endswith("문의: 02-6222-6060")

    def test_concurrent_writers_lose_nothing_and_keep_each_writers_order(self, db_url: str) -> None:
        box = OutboxStore(db_url)
        n_threads, per = 4, 10
        errors: list[BaseException] = []

        def writer(k: int) -> None:
            try:
                for i in range(per):
                    box.append("web-a", [{"text": f"{k}:{i}"}])
            except BaseException as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        got: list[str] = []
        cursor = ""
        while True:
            page = box.fetch("web-a", cursor)
            got += texts(page)
            cursor = page.cursor
            if not page.more:
                break
        assert sorted(got) == sorted(f"{k}:{i}" for k in range(n_threads) for i in range(per))
        for k in range(n_threads):
            assert [g for g in got if g.startswith(f"{k}:")] == [f"{k}:{i}" for i in range(per)]

    @pytest.mark.parametrize("cursor", ["abc", "-1", "x-", "ab-cd", "a b-1", "'; drop table x; --"])
    def test_bad_cursor_is_refused(self, cursor: str) -> None:
        with pytest.raises(InvalidInputError, match="cursor"):
            OutboxStore("sqlite://").fetch("web-a", cursor)

    def test_bad_input(self) -> None:
        box = OutboxStore("sqlite://")
        with pytest.raises(InvalidInputError):
            box.append("", [{"text": "x"}])
        with pytest.raises(InvalidInputError):
            box.append("a" * 256, [{"text": "x"}])
        with pytest.raises(InvalidInputError, match="JSON"):
            box.append("web-a", [{"text": object()}])
        with pytest.raises(InvalidInputError, match="limit"):
            box.fetch("web-a", limit=MAX_FETCH + 1)
        with pytest.raises(InvalidConfigError):
            OutboxStore("sqlite://", ttl=0)
        assert box.append("web-a", []) == []
