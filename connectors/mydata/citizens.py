"""Synthetic citizens of the MyData sandbox: 21 made-up households, the same on every run.

Nobody here is a real person. Every resident registration number has the shape ``YYMMDD-S0000NN`` (the
birth date, the sex/century digit, then four zeros and a serial), which marks it as synthetic at a glance;
phones are ``010-0000-NNNN`` and addresses are in the made-up 가상시. Citizens ``sandbox-01``, ``sandbox-02``
and ``sandbox-21`` (a 차상위계층 household: 48.8 % of the median income, nobody of school age) are written out by
hand (the tests compute their facts by hand); the other 18 come from a seeded random generator.

Each citizen is the householder (세대주, relation 본인) of their household; the other members cannot log in.

Status records (수급자 증명서, 차상위계층 확인서) follow from the household's income, with no random draw (the
generated citizens stay as they were): the income as a percentage of the 기준 중위소득 for the household size
(:class:`~connectors.mydata.median_income.MedianIncomeTable`, the year after the tax year) stands in for the
소득인정액, and the 국민기초생활 보장법 선정기준 apply: 생계급여 ≤ 32 %, 의료급여 ≤ 40 %, 주거급여 ≤ 48 %,
교육급여 ≤ 50 % with a child of school age (6–18) — the 의료급여 of a 의료급여수급권자 too; a household at or below
50 % that receives none of them is 차상위계층. (Real selection also counts assets and, for 생계·의료급여,
the 부양의무자; the sandbox does not.)
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from connectors.mydata.median_income import MedianIncomeTable

SURNAMES = ("김", "이", "박", "최", "정", "강", "조", "윤", "장", "임")
GIVEN = ("가상", "예시", "시험", "샘플", "모의", "표본", "견본", "연습")
INCOME_KINDS = ("근로소득", "사업소득", "연금소득", "기타소득")
INSURANCE_TYPES = ("직장가입자", "지역가입자", "피부양자", "의료급여수급권자")


@dataclass(frozen=True)
class Person:
    """A household member: relation to the householder (본인, 배우자, 자녀, 부, 모, 손자녀), name, birth date, sex."""

    relation: str
    name: str
    birth_date: dt.date
    sex: str  # "male" | "female"
    serial: int

    @property
    def rrn(self) -> str:
        """Synthetic 주민등록번호: ``YYMMDD-S0000NN`` (S: 1/2 born 1900–1999, 3/4 from 2000; odd = male)."""
        century = 0 if self.birth_date.year < 2000 else 2
        s = century + (1 if self.sex == "male" else 2)
        return f"{self.birth_date:%y%m%d}-{s}0000{self.serial % 100:02d}"


@dataclass(frozen=True)
class Citizen:
    """A sandbox login (``identity``) and the records the provider holds about their household.

    Attributes:
        incomes: relation → [(income kind, annual KRW)] for the tax year ``tax_year``.
        insurance: (자격 type, acquired on, workplace or "").
    """

    identity: str
    members: tuple[Person, ...]
    address: str
    moved_in: dt.date
    phone: str
    insurance: tuple[str, dt.date, str]
    tax_year: int
    incomes: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)

    @property
    def self_person(self) -> Person:
        """The citizen (relation 본인)."""
        return self.members[0]

    def income_pct(self) -> float:
        """The household's income as a percentage of the 기준 중위소득 of the year after the tax year."""
        total = sum(a for items in self.incomes.values() for _, a in items)
        return MedianIncomeTable().percent(self.tax_year + 1, len(self.members), total)

    @property
    def welfare_benefits(self) -> tuple[str, ...]:
        """The 급여 the household receives (see the module doc), in 법 order; empty when none."""
        pct, on = self.income_pct(), dt.date(self.tax_year + 1, 1, 1)
        pupils = any(p.relation in ("자녀", "손자녀") and 6 <= _age(p.birth_date, on) <= 18 for p in self.members)
        out = [kind for kind, line in WELFARE_LINES if pct <= line and (kind != "교육급여" or pupils)]
        if self.insurance[0] == "의료급여수급권자" and "의료급여" not in out:
            out.insert(1 if out[:1] == ["생계급여"] else 0, "의료급여")
        return tuple(out)

    @property
    def near_poverty(self) -> bool:
        """차상위계층: at or below 50 % of the 기준 중위소득 and no 급여 (see the module doc)."""
        return not self.welfare_benefits and self.income_pct() <= NEAR_POVERTY_LINE


#: 국민기초생활 보장법 제8조·제12조의3·제11조·제12조 선정기준 (% of the 기준 중위소득, 2024 onward).
WELFARE_LINES = (("생계급여", 32), ("의료급여", 40), ("주거급여", 48), ("교육급여", 50))
#: 차상위계층 (국민기초생활 보장법 제2조 제10호, 시행령 제3조의2): 소득인정액 ≤ 50 % of the 기준 중위소득.
NEAR_POVERTY_LINE = 50


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _fixed() -> list[Citizen]:
    return [
        Citizen(
            "sandbox-01",
            (Person("본인", "김가상", dt.date(1990, 3, 15), "female", 1),
             Person("배우자", "이예시", dt.date(1988, 7, 1), "male", 2),
             Person("자녀", "이시험", dt.date(2019, 5, 20), "male", 3),
             Person("자녀", "이샘플", dt.date(2022, 11, 2), "female", 4)),
            "가상시 샘플구 예시로 12, 101동 1001호", dt.date(2020, 2, 1), "010-0000-1001",
            ("직장가입자", dt.date(2015, 3, 2), "가상상사(주)"), 2025,
            {"본인": (("근로소득", 42_000_000),), "배우자": (("사업소득", 18_000_000),)},
        ),
        Citizen(
            "sandbox-02",
            (Person("본인", "박모의", dt.date(1960, 6, 1), "male", 5),),
            "가상시 견본구 연습로 7", dt.date(2011, 9, 30), "010-0000-1002",
            ("지역가입자", dt.date(2012, 1, 1), ""), 2025,
            {"본인": (("연금소득", 9_600_000),)},
        ),
        Citizen(
            "sandbox-21",
            (Person("본인", "정연습", dt.date(1975, 9, 9), "female", 90),
             Person("모", "정표본", dt.date(1948, 4, 4), "female", 91)),
            "가상시 연습구 샘플로 21", dt.date(2018, 5, 1), "010-0000-1021",
            ("지역가입자", dt.date(2018, 5, 1), ""), 2025,
            {"본인": (("사업소득", 24_600_000),)},
        ),
    ]


def _random_person(rng: random.Random, relation: str, born: dt.date, serial: int, surname: str | None = None,
                   sex: str | None = None) -> Person:
    return Person(relation, (surname or rng.choice(SURNAMES)) + rng.choice(GIVEN), born,
                  sex or rng.choice(("male", "female")), serial)


def _date(rng: random.Random, y0: int, y1: int) -> dt.date:
    return dt.date(rng.randint(y0, y1), rng.randint(1, 12), rng.randint(1, 28))


def _generated(n: int, seed: int = 2026) -> list[Citizen]:
    rng = random.Random(seed)
    out: list[Citizen] = []
    serial = 10
    kinds = ("single", "couple", "family", "single_parent", "three_generations", "grandparent")
    for i in range(n):
        num = i + 3
        kind = kinds[i % len(kinds)]
        serial += 1
        surname = rng.choice(SURNAMES)
        head_born = _date(rng, 1940, 1965) if kind == "grandparent" else _date(rng, 1955, 2004)
        members = [_random_person(rng, "본인", head_born, serial, surname)]
        if kind in ("couple", "family", "three_generations"):
            serial += 1
            members.append(_random_person(rng, "배우자", _date(rng, head_born.year - 3, min(head_born.year + 3, 2005)), serial,
                                          sex="female" if members[0].sex == "male" else "male"))
        if kind in ("family", "single_parent", "three_generations"):
            for _ in range(rng.randint(1, 3)):
                serial += 1
                members.append(_random_person(rng, "자녀", _date(rng, max(head_born.year + 20, 2005), 2025), serial, surname))
        if kind == "three_generations":
            for rel, sex in (("부", "male"), ("모", "female")):
                serial += 1
                members.append(_random_person(rng, rel, _date(rng, head_born.year - 35, head_born.year - 22), serial, surname, sex))
        if kind == "grandparent":
            serial += 1
            members.append(_random_person(rng, "손자녀", _date(rng, 2010, 2024), serial, surname))
        ins = rng.choice(INSURANCE_TYPES)
        incomes: dict[str, tuple[tuple[str, int], ...]] = {}
        for m in members:
            if m.relation in ("본인", "배우자", "부", "모") and rng.random() < 0.8:
                incomes[m.relation] = ((rng.choice(INCOME_KINDS), rng.randint(0, 900) * 100_000),)
        out.append(Citizen(
            f"sandbox-{num:02d}", tuple(members), f"가상시 {rng.choice(('샘플', '견본', '연습'))}구 예시로 {10 + num}",
            _date(rng, 2000, 2025), f"010-0000-{1000 + num:04d}",
            (ins, _date(rng, 2000, 2024), "가상산업(주)" if ins == "직장가입자" else ""), 2025, incomes,
        ))
    return out


#: identity → citizen (21 in all).
CITIZENS: dict[str, Citizen] = {c.identity: c for c in _fixed() + _generated(18)}
