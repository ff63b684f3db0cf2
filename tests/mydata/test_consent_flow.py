"""The consent flow against the real sandbox over HTTP: no fetch without a valid consent covering the scope,
revocation deletes what was fetched, every fetch is audited, and facts derived correctly (by hand)."""

from __future__ import annotations

import datetime as dt
import pytest
from sqlalchemy import text

from assistant.errors import InvalidInputError
from connectors.mydata.citizens import CITIZENS
from connectors.mydata.consent import MyDataConnector
from connectors.mydata.sandbox import SandboxState
from connectors.mydata.scopes import ConsentError, UnknownConsentError

from mydata_helpers import T0, FakeClock  # type: ignore[import-not-found]

ALL = ["resident_registration", "health_insurance", "income"]
DAY = dt.timedelta(days=1)


def granted(c: MyDataConnector, scopes: list[str], who: str = "sandbox-01", valid_for: dt.timedelta = DAY) -> str:
    pending = c.request_consent("conv-42", scopes, "eligibility_check", valid_for)
    return c.grant(pending.id, test_identity=who).id


class TestNoFetchWithoutConsent:
    def test_unknown_consent(self, connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
        with pytest.raises(UnknownConsentError):
            connector.fetch("no-such-consent", ["income"])
        assert sandbox[1].stats()["record_requests"] == 0
        rows = connector.audit()
        assert [(r.action, r.scope, r.outcome, r.consent_id) for r in rows] == [("fetch", "income", "denied_no_consent", "no-such-consent")]

    def test_pending_consent_is_not_enough(self, connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
        pending = connector.request_consent("conv-42", ["income"], "eligibility_check", DAY)
        with pytest.raises(ConsentError, match="pending"):
            connector.fetch(pending.id)
        with pytest.raises(ConsentError):
            connector.facts(pending.id)
        assert sandbox[1].stats() == {"record_requests": 0, "by_scope": {}, "token_requests": 0, "revoke_requests": 0,
                                      "live_tokens": 0}
        assert connector.store.count_records() == 0

    def test_outside_consented_scopes(self, connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
        cid = granted(connector, ["resident_registration"])
        with pytest.raises(ConsentError, match="does not cover income"):
            connector.fetch(cid, ["resident_registration", "income"])
        assert sandbox[1].stats()["record_requests"] == 0
        outcomes = {(r.scope, r.outcome) for r in connector.audit(cid) if r.action == "fetch"}
        assert outcomes == {("income", "denied_scope"), ("resident_registration", "not_attempted")}
        connector.fetch(cid)  # the consented scope alone works
        assert sandbox[1].stats()["by_scope"] == {"resident_registration": 1}

    def test_provider_enforces_scopes_too(self, connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
        """Even if the connector's check were bypassed, the token only carries the consented scopes (403)."""
        cid = granted(connector, ["health_insurance"])
        token = connector.get_consent(cid).access_token
        assert token
        with pytest.raises(ConsentError, match="scope"):
            connector.client.get_record(token, "income")

    def test_after_expiry(self, connector: MyDataConnector, sandbox: tuple[str, SandboxState], clock: FakeClock) -> None:
        cid = granted(connector, ALL, valid_for=dt.timedelta(hours=2))
        connector.fetch(cid)
        assert connector.store.count_records(cid) == 3
        n = sandbox[1].stats()["record_requests"]
        clock.now = T0 + 2 * 3600  # exactly at expires_at: no longer valid
        assert connector.get_consent(cid).status(clock()) == "expired"
        with pytest.raises(ConsentError, match="expired"):
            connector.fetch(cid)
        with pytest.raises(ConsentError, match="expired"):
            connector.facts(cid)
        assert sandbox[1].stats()["record_requests"] == n
        assert connector.store.count_records(cid) == 0  # kept no longer than consented
        assert any(r.action == "purge" and r.detail == "deleted 3 fetched records" for r in connector.audit(cid))

    def test_token_lifetime_capped_by_consent(self, connector: MyDataConnector, sandbox: tuple[str, SandboxState],
                                              clock: FakeClock) -> None:
        sandbox[1].token_ttl = 600  # the provider's tokens last 10 minutes, the consent a day
        cid = granted(connector, ["income"])
        c = connector.get_consent(cid)
        assert c.token_expires_at == T0 + 600 and c.expires_at == T0 + 86400
        clock.now = T0 + 601
        with pytest.raises(ConsentError, match="expired"):
            connector.fetch(cid)
        assert sandbox[1].stats()["record_requests"] == 0

    def test_token_revoked_at_provider(self, connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
        """The provider answers 401: a ConsentError, nothing stored, audited as provider_refused."""
        cid = granted(connector, ["income"])
        for t in sandbox[1].tokens.values():
            t.revoked = True
        with pytest.raises(ConsentError, match="expired or revoked"):
            connector.fetch(cid)
        assert sandbox[1].stats()["record_requests"] == 1
        assert connector.store.count_records() == 0
        assert [r.outcome for r in connector.audit(cid) if r.action == "fetch"] == ["provider_refused"]


class TestRevocation:
    def test_revoke_deletes_fetched_and_tells_provider(self, connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
        keep = granted(connector, ["income"], who="sandbox-02")
        connector.fetch(keep)
        cid = granted(connector, ALL)
        connector.fetch(cid)
        assert connector.store.count_records(cid) == 3 and connector.store.count_records() == 4
        assert sandbox[1].stats()["live_tokens"] == 2
        r = connector.revoke(cid, actor="operator-7")
        assert (r.deleted_records, r.provider_revoked, r.consent.status(T0)) == (3, True, "revoked")
        assert r.consent.access_token is None
        assert connector.store.count_records(cid) == 0 and connector.store.count_records() == 1  # the other consent keeps its own
        with connector.store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM mydata_fetched_records WHERE consent_id = :c"), {"c": cid}).scalar() == 0
        assert sandbox[1].stats()["live_tokens"] == 1 and sandbox[1].stats()["revoke_requests"] == 1
        n = sandbox[1].stats()["record_requests"]
        with pytest.raises(ConsentError, match="revoked"):
            connector.fetch(cid)
        assert sandbox[1].stats()["record_requests"] == n
        revokes = [(r.actor, r.outcome, r.detail) for r in connector.audit(cid) if r.action == "revoke"]
        assert revokes == [("operator-7", "ok", "deleted 3 fetched records")]
        assert [r.outcome for r in connector.audit(cid)][-3:] == ["denied_revoked"] * 3
        assert connector.revoke(cid).deleted_records == 0  # twice is harmless

    def test_revoke_when_provider_down_still_deletes(self, connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
        from connectors.mydata.sandbox import Fault

        cid = granted(connector, ["resident_registration", "income"])
        connector.fetch(cid)
        sandbox[1].fault = Fault("down")
        r = connector.revoke(cid)
        assert (r.deleted_records, r.provider_revoked) == (2, False)
        assert connector.store.count_records() == 0
        assert connector.audit(cid)[-1].outcome == "ok_provider_not_told"

    def test_declined_pending_consent(self, connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
        pending = connector.request_consent("conv-42", ["income"], "eligibility_check", DAY)
        r = connector.revoke(pending.id)
        assert (r.deleted_records, r.provider_revoked, r.consent.status(T0)) == (0, False, "revoked")
        with pytest.raises(ConsentError, match="revoked"):
            connector.grant(pending.id, test_identity="sandbox-01")
        assert sandbox[1].stats()["token_requests"] == 0


class TestConsentRequest:
    def test_notice_says_what_why_until_when(self, connector: MyDataConnector, clock: FakeClock) -> None:
        c = connector.request_consent("conv-42", ["income", "resident_registration"], "eligibility_check", dt.timedelta(days=30))
        assert c.scopes == ("income", "resident_registration")
        # T0 + 30 days = 2026-04-13 12:00 KST
        for piece in ("주민등록표 등본", "소득금액증명", "복지 혜택", "2026년 04월 13일 12:00(한국시간)", "철회"):
            assert piece in c.notice_ko
        for piece in ("resident registration certificate", "certificate of income amount", "eligible",
                      "2026-04-13 12:00 (Korea time)", "withdraw"):
            assert piece in c.notice_en
        assert "건강보험" not in c.notice_ko
        stored = connector.get_consent(c.id)
        assert (stored.notice_ko, stored.purpose, stored.expires_at) == (c.notice_ko, "eligibility_check", clock() + 30 * 86400)

    @pytest.mark.parametrize("kwargs, match", [
        ({"scopes": ["passport"]}, "unknown MyData scope 'passport'"),
        ({"scopes": []}, "non-empty"),
        ({"purpose": "marketing"}, "unknown consent purpose"),
        ({"valid_for": dt.timedelta(days=366)}, "365 days"),
        ({"valid_for": dt.timedelta(0)}, "duration"),
        ({"citizen_ref": "900315-2000001"}, "pseudonymous"),
        ({"citizen_ref": "010-1234-5678"}, "pseudonymous"),
        ({"citizen_ref": ""}, "non-empty"),
    ])
    def test_bad_requests(self, connector: MyDataConnector, kwargs: dict[str, object], match: str) -> None:
        args: dict[str, object] = {"citizen_ref": "conv-42", "scopes": ["income"], "purpose": "eligibility_check", "valid_for": DAY}
        args.update(kwargs)
        with pytest.raises(InvalidInputError, match=match):
            connector.request_consent(**args)  # type: ignore[arg-type]
        assert connector.list_consents() == []

    def test_citizen_denies_at_provider(self, connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
        pending = connector.request_consent("conv-42", ["income"], "eligibility_check", DAY)
        with pytest.raises(ConsentError, match="access_denied"):
            connector.grant(pending.id, test_identity="not-a-sandbox-user")
        assert connector.get_consent(pending.id).status(T0) == "pending"
        assert connector.audit(pending.id)[-1].outcome == "provider_refused"
        with pytest.raises(InvalidInputError):
            connector.grant(pending.id)

    def test_grant_twice_refused(self, connector: MyDataConnector) -> None:
        cid = granted(connector, ["income"])
        with pytest.raises(ConsentError, match="active, not pending"):
            connector.grant(cid, test_identity="sandbox-01")

    def test_list_by_citizen(self, connector: MyDataConnector) -> None:
        a = connector.request_consent("conv-1", ["income"], "eligibility_check", DAY)
        b = connector.request_consent("conv-2", ["income"], "application", DAY)
        assert [c.id for c in connector.list_consents("conv-2")] == [b.id]
        assert {c.id for c in connector.list_consents()} == {a.id, b.id}


class TestFetchAndFacts:
    def test_only_derived_facts_are_stored(self, connector: MyDataConnector) -> None:
        cid = granted(connector, ALL)
        connector.fetch(cid)
        with connector.store.engine.connect() as conn:
            stored = " ".join(r[0] for r in conn.execute(text("SELECT data FROM mydata_fetched_records")))
            consents = " ".join(str(v) for row in conn.execute(text("SELECT * FROM mydata_consents")) for v in row)
        citizen = CITIZENS["sandbox-01"]
        for secret in [citizen.address, citizen.phone] + [p.rrn for p in citizen.members] + [p.name for p in citizen.members] \
                + [p.birth_date.isoformat() for p in citizen.members]:
            assert secret not in stored and secret not in consents
        assert set(connector.store.records(cid)["income"]) == {"household_annual_income_krw", "tax_year", "as_of"}

    def test_audit_row_for_every_fetch(self, connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
        cid = granted(connector, ALL)
        connector.fetch(cid)
        connector.fetch(cid, ["income"])
        rows = [r for r in connector.audit(cid) if r.action == "fetch"]
        assert [(r.scope, r.outcome) for r in rows] == [("health_insurance", "ok"), ("income", "ok"),
                                                        ("resident_registration", "ok"), ("income", "ok")]
        assert all(r.actor == "assistant" and r.citizen_ref == "conv-42" and r.at == T0 for r in rows)
        assert sum(sandbox[1].stats()["by_scope"].values()) == len(rows)

    def test_facts_sandbox_01_by_hand(self, connector: MyDataConnector) -> None:
        """김가상: born 1990-03-15, on 2026-03-14 (KST) she is 35; husband + children born 2019 and 2022 → 4 people,
        2 children under 19; 직장가입자. Income 2025: 42,000,000 (근로) + 18,000,000 (사업, spouse) a year
        = 5,000,000 a month; 2026 기준 중위소득 4인 = 6,494,738 → 76.98…%."""
        cid = granted(connector, ALL)
        connector.fetch(cid)
        f = connector.facts(cid)
        assert f.age == 35 and f.sex == "female"
        assert f.income_pct_median == pytest.approx((42_000_000 + 18_000_000) / 12 / 6_494_738 * 100)
        assert 76.98 < f.income_pct_median < 76.99  # type: ignore[operator]
        assert (f.single_person_household, f.multi_child_household, f.single_parent_family, f.extended_family) == (False, True, False, False)
        assert f.employed is True
        assert connector.store.records(cid)["resident_registration"]["household_size"] == 4

    def test_facts_sandbox_02_by_hand_across_seoul_midnight(self, connector: MyDataConnector, clock: FakeClock) -> None:
        """박모의: born 1960-06-01, alone. At 2026-05-31 15:30 UTC it is already 2026-06-01 00:30 in Seoul: 66, not 65.
        Income 2025: 연금 9,600,000 a year = 800,000 a month; 2026 기준 중위소득 1인 = 2,564,238 → 31.198…%.
        지역가입자 says nothing about employment (unknown)."""
        clock.now = dt.datetime(2026, 5, 31, 15, 30, tzinfo=dt.timezone.utc).timestamp()
        cid = granted(connector, ALL, who="sandbox-02")
        connector.fetch(cid)
        f = connector.facts(cid)
        assert (f.age, f.sex, f.single_person_household, f.multi_child_household) == (66, "male", True, False)
        assert f.income_pct_median == pytest.approx(9_600_000 / 12 / 2_564_238 * 100)
        assert f.employed is None and f.pregnant is None and f.disabled is None  # not in any record: unknown
        clock.now -= 3600  # 2026-05-31 23:30 KST: still 65
        cid2 = granted(connector, ["resident_registration"], who="sandbox-02")
        connector.fetch(cid2)
        assert connector.facts(cid2).age == 65
        assert connector.facts(cid2).income_pct_median is None  # no income record under this consent

    def test_income_without_household_is_unknown(self, connector: MyDataConnector) -> None:
        cid = granted(connector, ["income"])
        connector.fetch(cid)
        assert connector.facts(cid).income_pct_median is None

    @pytest.mark.parametrize("identity", sorted(CITIZENS))
    def test_every_synthetic_citizen_derives(self, connector: MyDataConnector, identity: str) -> None:
        cid = granted(connector, ALL, who=identity)
        connector.fetch(cid)
        f = connector.facts(cid)
        me = CITIZENS[identity].self_person
        ref = dt.date(2026, 3, 14)
        assert f.age == ref.year - me.birth_date.year - ((ref.month, ref.day) < (me.birth_date.month, me.birth_date.day))
        assert f.sex == me.sex
        assert f.single_person_household == (len(CITIZENS[identity].members) == 1)
        assert f.income_pct_median is not None and f.income_pct_median >= 0


def test_revoked_during_fetch_keeps_nothing(connector: MyDataConnector, sandbox: tuple[str, SandboxState]) -> None:
    """The citizen withdraws while the records are on their way: nothing is stored."""
    cid = granted(connector, ["income"])
    real = connector.client.get_record

    def get_then_revoke(token: str, scope: str) -> dict[str, object]:
        out = real(token, scope)
        connector.revoke(cid)
        return out

    connector.client.get_record = get_then_revoke  # type: ignore[method-assign]
    with pytest.raises(ConsentError, match="withdrawn during the fetch"):
        connector.fetch(cid)
    assert connector.store.count_records() == 0
    assert [r.outcome for r in connector.audit(cid) if r.action == "fetch"] == ["discarded"]
