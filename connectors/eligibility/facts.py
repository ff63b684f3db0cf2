"""Facts about the person who would receive a benefit: the input of an eligibility check.

Every field is optional: a missing (``null``) fact is *unknown* and never assumed. Facts describe the
beneficiary (the citizen, or the child or parent they ask about), since many services code the age of
the child or the elder. Unknown field names are rejected, so a typo cannot silently drop a fact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from connectors.eligibility.codes import CODES
from connectors.eligibility.regions import SIDO, SIDO_ALIASES, Area, normalise_region
from connectors.eligibility.text_groups import LEXICON_NAMES

StudentLevel = Literal["none", "elementary", "middle", "high", "university"]
BusinessStatus = Literal["none", "pre_founder", "operating", "closing"]
BusinessIndustry = Literal["restaurant", "manufacturing", "other"]
OrganizationType = Literal["none", "sme", "social_welfare_facility", "institution"]
OrganizationIndustry = Literal["manufacturing", "agriculture_forestry_fishery", "information_communication", "other"]


class Facts(BaseModel):
    """What is known about the beneficiary; ``None`` = unknown.

    Example:
        >>> Facts(age=4, sex="female", income_pct_median=80).age
        4
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    age: int | None = Field(None, ge=0, le=130, description="만 나이 (age in completed years)")
    sex: Literal["male", "female"] | None = Field(None, description="sex: JA0101 남성 / JA0102 여성")
    income_pct_median: float | None = Field(
        None, ge=0, le=10_000,
        description="household income as a percentage of the median income (기준 중위소득 %), e.g. 48.5; "
        "bands JA0201 ≤50, JA0202 50–75, JA0203 75–100, JA0204 100–200, JA0205 >200 (upper bounds inclusive)",
    )
    preparing_pregnancy: bool | None = Field(None, description="JA0301 예비부모/난임: preparing for parenthood or infertility treatment")
    pregnant: bool | None = Field(None, description="JA0302 임산부")
    recent_birth_or_adoption: bool | None = Field(None, description="JA0303 출산/입양: recently gave birth or adopted")
    farmer: bool | None = Field(None, description="JA0313 농업인")
    fisher: bool | None = Field(None, description="JA0314 어업인")
    livestock_farmer: bool | None = Field(None, description="JA0315 축산업인")
    forester: bool | None = Field(None, description="JA0316 임업인")
    student_level: StudentLevel | None = Field(
        None, description="JA0317 초등학생 elementary, JA0318 중학생 middle, JA0319 고등학생 high, "
        "JA0320 대학생/대학원생 university; 'none' = not a student")
    employed: bool | None = Field(None, description="JA0326 근로자/직장인: an employee")
    job_seeker: bool | None = Field(None, description="JA0327 구직자/실업자: looking for work / unemployed")
    disabled: bool | None = Field(None, description="JA0328 장애인: registered disability")
    household_disabled: bool | None = Field(
        None, description="not a JA code: a member of the person's household (주민등록표상 같은 세대: a spouse, parent or "
        "child living with them) is a registered disabled person (장애인복지법 제32조). The person's own disability is "
        "`disabled`. Decides, with `disabled`, the 'disabled_family' way in of the GROUP condition "
        "(connectors.eligibility.text_groups): the 장애인가정 출산지원금 texts ask for a 장애인가정, e.g. 311000000106 "
        "\"장애인가정 중 … 출산한 등록 여성장애인 또는 남성장애인의 배우자\", 481000000108 \"장애인가정 : 신생아의 부 또는 모가 "
        "「장애인복지법」제32조에 따라 등록한 장애인으로서 주민등록을 같이하는 세대\": true (or disabled true) holds it; false "
        "with disabled false rules such a service out")
    veteran: bool | None = Field(None, description="JA0329 국가보훈대상자: veteran or national merit recipient")
    ill: bool | None = Field(None, description="JA0330 질병/질환자: has an illness or disease")
    welfare_recipient: bool | None = Field(
        None, description="not a JA code: receives a 국민기초생활 보장법 benefit (생계·의료·주거·교육급여 수급자); decides the "
        "STATUS condition of services whose 지원대상/선정기준 text names it (connectors.eligibility.statuses): true holds it, "
        "false rules the service out when no other way in its text remains open. Public MyData: 수급자 증명서 "
        "(scope recipient_certificate)")
    near_poverty: bool | None = Field(
        None, description="not a JA code: a 차상위계층 household (국민기초생활 보장법 제2조 제10호; STATUS condition, read "
        "from the service's text, as welfare_recipient). Public MyData: 차상위계층 확인서 (scope near_poverty_certificate)")
    master_craftsman: bool | None = Field(
        None, description="not a JA code: a certified 대한민국명장 (숙련기술장려법; STATUS condition, read from the service's "
        "text, as welfare_recipient)")
    high_voltage_customer: bool | None = Field(
        None, description="not a JA code: a 고압 전기 고객 — takes electricity from 한국전력 at high voltage (고압 계약) or owns "
        "the transformer and electrical installation (수전설비). Decides the 'electricity' way in of the GROUP condition "
        "(connectors.eligibility.text_groups; 고효율 변압기 지원 …): true holds it, false rules such a service out when no "
        "other way in its text remains open. The questionnaire's group question sets it: choosing '전기 고객·설비 "
        "소유자' gives true, '해당 없음' when that group was offered gives false (target_groups.electricity alike)")
    multicultural_family: bool | None = Field(None, description="JA0401 다문화가족")
    north_korean_defector: bool | None = Field(None, description="JA0402 북한이탈주민")
    single_parent_family: bool | None = Field(None, description="JA0403 한부모가정/조손가정 (single-parent or grandparent-grandchild)")
    single_person_household: bool | None = Field(None, description="JA0404 1인가구")
    multi_child_household: bool | None = Field(None, description="JA0411 다자녀가구")
    homeless_household: bool | None = Field(None, description="JA0412 무주택세대: the household owns no home")
    new_resident: bool | None = Field(None, description="JA0413 신규전입: moved into the area recently")
    extended_family: bool | None = Field(None, description="JA0414 확대가족")
    business_status: BusinessStatus | None = Field(
        None, description="small business (소상공인): JA1101 pre_founder 예비창업자, JA1102 operating 영업중, "
        "JA1103 closing 생계곤란/폐업예정자; 'none' = runs no business. Also the 'business' way in (사업자·소상공인) of the GROUP "
        "condition read from a service's text: any value but 'none' holds it, 'none' (with organization_type 'none') rules it "
        "out. The questionnaire's group question sets 'none' when '해당 없음' answers an offered '사업자·소상공인' (choosing it "
        "leaves the kind of business to ask)")
    business_industry: BusinessIndustry | None = Field(
        None, description="JA1201 restaurant 음식점업, JA1202 manufacturing 제조업, JA1299 other 기타업종")
    organization_type: OrganizationType | None = Field(
        None, description="applying for an organization (법인/시설/단체): JA2101 sme 중소기업, "
        "JA2102 social_welfare_facility 사회복지시설, JA2103 institution 기관/단체; 'none' = not an organization")
    organization_industry: OrganizationIndustry | None = Field(
        None, description="JA2201 manufacturing 제조업, JA2202 agriculture_forestry_fishery 농업·임업 및 어업, "
        "JA2203 information_communication 정보통신업, JA2299 other 기타업종")
    target_groups: dict[str, bool] | None = Field(
        None, description="not a JA code: groups a service's 지원대상/선정기준 text restricts it to that the beneficiary is "
        "confirmed to belong to (true) or not (false), by name (connectors.eligibility.text_groups.LEXICON: "
        + ", ".join(LEXICON_NAMES) + "), e.g. {\"artist\": true, \"military\": false}; decides the GROUP condition "
        "first, before the facts that record a group (fisher, student_level …). The questionnaire asks it as one 'which of "
        "these groups' question (connectors.eligibility.actions.ActionAskTargetGroups): a group chosen is true, "
        "'해당 없음' makes every group offered false, the others stay unknown")
    region: str | None = Field(
        None, max_length=60,
        description="where the beneficiary lives (거주지): the official 시·도 name, optionally followed by the "
        "시·군·구, e.g. '부산광역시', '경기도 성남시', '서울특별시 강남구'. Short and former names are accepted and "
        "normalised (" + ", ".join(f"{k} → {v}" for k, v in SIDO_ALIASES.items()) + "); a 일반구 after a city "
        "('경기도 성남시 분당구') is dropped, and one after its 시·도 names its city ('경기도 분당구' → '경기도 성남시'). English (Revised Romanization, either order) is read too: "
        "'Seongnam-si, Gyeonggi-do', 'Gangnam-gu, Seoul', 'Busan'. 시·도: " + ", ".join(SIDO) + ". Not a JA code: a service run by a "
        "local government (소관기관명 '경기도 성남시', '서울특별시') is limited to its residents (condition "
        "code REGION); national agencies and public corporations are not limited.")

    @field_validator("target_groups")
    @classmethod
    def _known_groups(cls, v: dict[str, bool] | None) -> dict[str, bool] | None:
        unknown = sorted(set(v or ()) - set(LEXICON_NAMES))
        if unknown:
            raise ValueError(f"unknown target group(s) {', '.join(unknown)} (valid: {', '.join(LEXICON_NAMES)})")
        return v

    @field_validator("region")
    @classmethod
    def _normalise_region(cls, v: str | None) -> str | None:
        return None if v is None else str(normalise_region(v))

    def area(self) -> Area | None:
        """Where the beneficiary lives as ``Area(시·도, 시·군·구 or None)``; ``None`` when unknown."""
        return None if self.region is None else normalise_region(self.region)

    def code_bits(self) -> tuple[int, int]:
        """The flag codes this person is known to satisfy and known not to satisfy.

        Returns:
            ``(true_bits, false_bits)``: bit ``i`` stands for ``CODES[i]``; a code whose fact is unknown
            is in neither. 해당사항없음 codes are in neither (no fact decides them).
        """
        true_bits = false_bits = 0
        for i, c in enumerate(CODES):
            if not c.fact:
                continue
            v = getattr(self, c.fact)
            if v is None:
                continue
            if isinstance(c.value, tuple):
                hit = c.value[0] < float(v) <= c.value[1]
            else:
                hit = v == c.value
            if hit:
                true_bits |= 1 << i
            else:
                false_bits |= 1 << i
        return true_bits, false_bits


#: Names of all facts, in schema order.
FACT_NAMES: tuple[str, ...] = tuple(Facts.model_fields)


def parse_facts(payload: object, where: str = "facts") -> Facts:
    """Validate a JSON value as :class:`Facts`.

    Raises:
        InvalidInputError: not an object, an unknown fact name, or a value of the wrong type or range
            (the message names the fact and lists the valid names for an unknown one).
    """
    from pydantic import ValidationError

    from assistant.errors import InvalidInputError

    if not isinstance(payload, dict):
        raise InvalidInputError(f"{where}: expected a JSON object of facts like {{\"age\": 34, \"sex\": \"female\"}}, "
                                f"got {type(payload).__name__}")
    try:
        return Facts.model_validate(payload)
    except ValidationError as e:
        first = e.errors()[0]
        name = ".".join(str(x) for x in first["loc"]) or "facts"
        hint = f" (valid facts: {', '.join(FACT_NAMES)})" if first["type"] == "extra_forbidden" else ""
        raise InvalidInputError(f"{where}: {name}: {first['msg']}{hint}") from e


def load_facts(path: Path) -> Facts:
    """Read a facts file (a JSON object, UTF-8).

    Raises:
        InvalidInputError: missing or unreadable file, invalid JSON, or invalid facts (see :func:`parse_facts`).
    """
    import json

    from assistant.errors import InvalidInputError

    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError as e:
        raise InvalidInputError(f"{path}: facts file not found") from e
    except OSError as e:
        raise InvalidInputError(f"{path}: cannot read the facts file ({e.strerror})") from e
    except UnicodeDecodeError as e:
        raise InvalidInputError(f"{path}: not UTF-8 (byte {e.start})") from e
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidInputError(f"{path}: not valid JSON ({e.msg} at line {e.lineno} column {e.colno})") from e
    return parse_facts(payload, str(path))
