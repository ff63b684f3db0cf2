"""`assistant data validate`: each kind of problem reported with the right file:line and a fix."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from assistant import cli
from assistant.nlu.annotations import parse_example
from assistant.nlu.boundaries import BoundaryChecker
from assistant.nlu.validate import validate_project
from assistant.nlu.yaml_io import Issue
from shared_paths import ROOT, SHARED_DATA


@pytest.fixture(scope="module")
def checker() -> BoundaryChecker:
    """One kiwipiepy model for the module."""
    c = BoundaryChecker()
    c.tokenize("워밍업")
    return c


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def line_no(path: Path, needle: str | tuple[str, int]) -> int:
    """1-based line of the first (or n-th, for ``(needle, n)``) line of ``path`` containing ``needle``."""
    text, nth = (needle, 1) if isinstance(needle, str) else needle
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line]
    assert len(hits) >= nth, f"{text!r} not {nth} times in {path}"
    return hits[nth - 1]


# annotated example, expected fix (None: well placed)
BOUNDARIES = [
    ("[강남구에서](district) 신청", "[강남구](district)에서"),
    ("[강남](district)구에서 신청", "[강남구](district)"),
    ("[기초연금을](service) 받고 싶어요", "[기초연금](service)을"),
    ("[ 서초구](district)에 살아요", "[서초구](district)"),
    ("강[남구](district)에 살아요", "[강남구](district)"),
    ("[playground](product)s are broken", "[playgrounds](product)"),
    ("the [play](product)ground", "[playground](product)"),
    ("[제주](city)도 가고 싶어요", None),
    ("[서울](city)에 살아요", None),
    ("서울[강남구](district)에 살아요", None),
    ("[부산](city)광역시에서 왔어요", None),
    ("[KTX](vehicle)로 가요", None),
    ("[3](number)개월 동안", None),
    ("[홍길동](name)이에요", None),
    ("[에너지바우처](service)는 뭐예요", None),
    ("rasa's [nlu](product) is great", None),
    ('[부산]{"entity": "city", "role": "from"}에서 출발', None),
]


@pytest.mark.parametrize(("raw", "fix"), BOUNDARIES, ids=[b[0] for b in BOUNDARIES])
def test_boundaries(checker: BoundaryChecker, raw: str, fix: str | None) -> None:
    parsed = parse_example(raw)
    (span,) = parsed.entities
    problem = checker.check(parsed.text, span)
    if fix is None:
        assert problem is None
        return
    assert problem is not None
    fixed = parse_example(fix)
    (good,) = fixed.entities
    # the corrected span covers exactly the text the fix annotates
    assert parsed.text[problem.start : problem.end] == good.text


DOMAIN = """
version: "3.1"
intents:
  - ask_district
  - greet
  - never_used
entities:
  - district
slots:
  district:
    type: text
    mappings:
      - type: from_entity
        entity: district
  zone:
    type: text
    mappings:
      - entity: zone_code
        type: from_entity
responses:
  utter_greet:
    - text: 안녕하세요
  utter_ask_district:
    - text: 어느 구에 사세요?
forms:
  address_form:
    required_slots:
      - district
      - street
actions:
  - utter_listed_but_missing
"""

NLU = """
version: "3.1"
nlu:
- intent: ask_district
  examples: |
    - [강남구에서](district) 신청할 수 있나요
    - I live in [Gangnam](district)
    - [서초구](gu) 주민이에요
    - 안녕하세요 반가워요
- intent: greet
  examples: |
    - 안녕하세요 반가워요
    - 좋은 아침
    - Good morning
    - good  morning
    - 좋은 아침
- intent: not_in_domain
  examples: |
    - 이건 뭐지
- regex: broken
  examples: |
    - ([0-9]{3}
- lookup: empty_table
  examples: |
"""

RULES = """
version: "3.1"
rules:
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
- rule: missing response
  steps:
  - intent: ask_district
  - action: utter_not_defined
  - action: action_not_listed
  - slot_was_set:
    - ghost_slot: 1
  - intent: ghost_intent
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "domain.yml", DOMAIN)
    write(tmp_path / "data" / "nlu.yml", NLU)
    write(tmp_path / "data" / "rules.yml", RULES)
    write(tmp_path / "data" / "broken.yml", "nlu:\n- intent: greet\n  examples: |\n    - hi\n  oops: [unclosed\n")
    write(tmp_path / "data" / "dup.yml", "nlu:\n- intent: greet\n  examples: |\n    - a\n  examples: |  # again\n    - b\n")
    return tmp_path


def find(issues: list[Issue], code: str) -> list[Issue]:
    return [i for i in issues if i.code == code]


# code, level, file, needle locating the line, words the message must contain
EXPECTED = [
    ("annotation-boundary", "error", "data/nlu.yml", "[강남구에서](district)", ["에서"]),
    ("entity-undeclared", "error", "data/nlu.yml", "[서초구](gu)", ["'gu'"]),
    ("intent-undeclared", "warning", "data/nlu.yml", "이건 뭐지", ["not_in_domain"]),
    ("intent-no-examples", "warning", "domain.yml", "- never_used", ["never_used"]),
    ("example-conflict", "error", "data/nlu.yml", "    - 안녕하세요 반가워요", ["ask_district", "greet"]),
    ("response-missing", "error", "data/rules.yml", "utter_not_defined", ["utter_not_defined"]),
    ("form-slot-undeclared", "error", "domain.yml", "address_form:", ["street"]),
    ("slot-mapping-entity", "error", "domain.yml", "- entity: zone_code", ["zone_code"]),
    ("regex-invalid", "error", "data/nlu.yml", "([0-9]{3}", ["broken"]),
    ("lookup-empty", "error", "data/nlu.yml", "- lookup: empty_table", ["empty_table"]),
    ("yaml-syntax", "error", "data/broken.yml", "oops:", ["invalid YAML"]),
    ("yaml-duplicate-key", "error", "data/dup.yml", "# again", ["examples"]),
    ("action-undeclared", "error", "data/rules.yml", "action_not_listed", ["action_not_listed"]),
    ("slot-undeclared", "error", "data/rules.yml", "slot_was_set", ["ghost_slot"]),
    ("intent-undeclared", "error", "data/rules.yml", "ghost_intent", ["ghost_intent"]),
    ("example-duplicate", "warning", "data/nlu.yml", ("    - 좋은 아침", 2), ["2 times"]),
]


@pytest.mark.parametrize(("code", "level", "file", "needle", "words"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_each_problem_with_file_and_line(project: Path, checker: BoundaryChecker, code: str, level: str, file: str,
                                         needle: str | tuple[str, int],
                                         words: list[str]) -> None:
    issues = validate_project(project, checker)
    got = find(issues, code)
    where = f"{project / file}:{line_no(project / file, needle)}"
    matching = [i for i in got if i.source == where]
    assert matching, f"no {code} at {where}; got {[i.format() for i in got]}"
    issue = matching[0]
    assert issue.level == level and issue.fix
    for w in words:
        assert w in issue.message


def test_specific_fixes_and_lines(project: Path, checker: BoundaryChecker) -> None:
    issues = validate_project(project, checker)
    (boundary,) = find(issues, "annotation-boundary")
    assert "[강남구](district)에서" in (boundary.fix or "")
    (conflict,) = find(issues, "example-conflict")
    nlu = project / "data" / "nlu.yml"
    lines = [i for i, t in enumerate(nlu.read_text(encoding="utf-8").splitlines(), 1) if t.strip() == "- 안녕하세요 반가워요"]
    assert len(lines) == 2 and all(f"{nlu}:{n}" in conflict.message for n in lines)
    listed = find(issues, "response-missing")
    assert {m for i in listed for m in re.findall(r"'(utter_\w+)'", i.message)} >= {"utter_not_defined", "utter_listed_but_missing", "utter_ask_street"}
    assert not any("utter_greet" in i.message or "utter_ask_district'" in i.message for i in listed)
    assert not any("morning" in i.message.casefold() for i in find(issues, "example-duplicate"))  # case variants are not repeats


def test_clean_project_has_no_issues(tmp_path: Path, checker: BoundaryChecker) -> None:
    write(tmp_path / "domain.yml", "version: '3.1'\nintents:\n- greet\nentities:\n- city\nresponses:\n  utter_greet:\n  - text: hi\n")
    write(tmp_path / "data" / "nlu.yml", "nlu:\n- intent: greet\n  examples: |\n    - hi from [Seoul](city)\n    - hello from [부산](city)에서\n")
    assert validate_project(tmp_path, checker) == []


@pytest.mark.parametrize(("example", "fix"), [
    ("소득은 중위소득 [50](income_pct)%예요", "[50%](percentage)"),
    ("my income is [45](income_pct) percent of the median", "[45 percent](percentage)"),
    ("[40](income_pct)퍼센트 이하", "[40퍼센트](percentage)"),
    ("I'm [70](income_pct)% sure", "[70%](percentage)"),
    ("저는 [67](income_pct)세예요", "[67세](age)"),  # an age, longer than the annotation
    ("budget [5](amount)만원", "[5만원](amount-of-money)"),
    ("우리 아이 [4](age)살이에요", "[4살](age)"),  # the same name, a shorter span
])  # fmt: skip
def test_an_annotation_a_builtin_entity_overlaps_is_a_warning_with_its_span(tmp_path: Path, checker: BoundaryChecker,
                                                                           example: str, fix: str) -> None:
    """Issue 3 (s10): ``[50](income_pct)%`` beside the built-in ``percentage`` "50%" is never predicted as written (the
    longer built-in span wins the overlap): a warning that names the built-in entity's span and name."""
    entity = re.search(r"\]\((\w+)\)", example).group(1)  # type: ignore[union-attr]
    write(tmp_path / "domain.yml", f"version: '3.1'\nintents:\n- inform\nentities:\n- {entity}\n")
    write(tmp_path / "data" / "nlu.yml", f"nlu:\n- intent: inform\n  examples: |\n    - {example}\n")
    (issue,) = find(validate_project(tmp_path, checker), "annotation-builtin-span")
    assert issue.level == "warning" and issue.fix is not None and fix in issue.fix, issue
    assert issue.source is not None and issue.source.endswith("nlu.yml:4")  # the example's line


@pytest.mark.parametrize("example", [
    "소득은 중위소득 [50%](percentage)예요",  # the built-in span and name
    "my income is [45 percent](percentage) of the median",
    "저는 [67세](age)예요",
    "I'm [70](age)",
    "[만 65세](age)입니다",
    "Is my [7 year old](age) eligible?",
])  # fmt: skip
def test_annotations_that_agree_with_the_builtin_entities_are_clean(tmp_path: Path, checker: BoundaryChecker,
                                                                    example: str) -> None:
    entity = re.search(r"\]\((\w+)\)", example).group(1)  # type: ignore[union-attr]
    write(tmp_path / "domain.yml", f"version: '3.1'\nintents:\n- inform\nentities:\n- {entity}\n")
    write(tmp_path / "data" / "nlu.yml", f"nlu:\n- intent: inform\n  examples: |\n    - {example}\n")
    assert find(validate_project(tmp_path, checker), "annotation-builtin-span") == []


def test_cli_exit_status_and_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["data", "validate", "--project", str(project), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["errors"] == sum(i["level"] == "error" for i in out["issues"]) > 0
    assert out["warnings"] == sum(i["level"] == "warning" for i in out["issues"])
    assert set(out["issues"][0]) == {"level", "code", "message", "source", "fix"}
    assert cli.main(["data", "validate", "--project", str(project)]) == 1
    text = capsys.readouterr().out
    assert re.search(r"^\d+ errors?, \d+ warnings?$", text.strip().splitlines()[-1])


def test_bundled_intents_validate_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["data", "validate", "--project", str(ROOT / "intents"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["errors"] == 0, out["issues"]


@pytest.mark.parametrize("name", ["rasa_demo_sara", "rasa_financial_demo"])
def test_real_projects_report_checkable_problems(name: str, checker: BoundaryChecker) -> None:
    root = SHARED_DATA / name
    if not (root / "domain.yml").exists():
        pytest.skip(f"{root} not found (the shared Rasa demo data is not in this checkout)")
    issues = validate_project(root, checker)
    assert not find(issues, "yaml-syntax") and not find(issues, "annotation-syntax")  # real data reads unchanged
    for issue in issues:  # every problem points at a real line of a real file
        assert issue.source and issue.fix
        path, line = issue.source.rsplit(":", 1)
        assert 1 <= int(line) <= len(Path(path).read_text(encoding="utf-8").splitlines())
    for issue in find(issues, "example-conflict"):  # each conflict is verified on the files' lines
        groups = re.findall(r"(\S+) \(([^)]*:\d+)\)", issue.message.split(" intents: ", 1)[1])
        intents = [g[0] for g in groups]
        assert len(intents) == len(set(intents)) >= 2  # each intent named once
        texts = set()
        for _intent, places in groups:
            for path, line in re.findall(r"(\S+):(\d+)", places):
                raw = Path(path).read_text(encoding="utf-8").splitlines()[int(line) - 1].strip()[2:]
                texts.add(" ".join(parse_example(raw).text.casefold().split()))
        assert len(texts) == 1


NAUGHTY = [
    "[강남\u200b구](district)에서",  # zero-width space inside
    "[\u3000강남구](district)에",  # full-width space at the edge
    "[北京](city)에서 왔어요",  # Han
    "[दिल्ली](city) से",  # Devanagari
    "[😀](emoji) 좋아요",  # emoji only
    "[강남구](district)" + "에서 신청 " * 2000,  # long
    "[서울시청앞](place)에서만나요",  # run-together Hangul
]


@pytest.mark.parametrize("raw", NAUGHTY, ids=range(len(NAUGHTY)))
def test_naughty_strings_keep_offsets_and_never_crash(checker: BoundaryChecker, raw: str) -> None:
    parsed = parse_example(raw)
    (span,) = parsed.entities
    assert parsed.text[span.start : span.end] == span.text
    problem = checker.check(parsed.text, span)
    if problem is not None:
        assert 0 <= problem.start < problem.end <= len(parsed.text)


def test_conflict_names_each_intent_once_with_its_lines(tmp_path: Path, checker: BoundaryChecker) -> None:
    """An example three times under one intent (two case variants) and once under another: one error naming each
    intent once, each with its own lines, and the choice in the fix (fresh-user s10 #6: the intent was repeated per
    line and the message said "2 intents" over four entries)."""
    write(tmp_path / "domain.yml", "version: '3.1'\nintents:\n- enter_data\n- nlu_info\nresponses:\n  utter_x:\n  - text: x\n")
    nlu = write(tmp_path / "data" / "nlu.yml", """
        nlu:
        - intent: enter_data
          examples: |
            - Rasa NLU
            - rasa nlu
            - I build bots
            - rasa  NLU
        - intent: nlu_info
          examples: |
            - what is nlu
            - rasa nlu
        """)
    (issue,) = find(validate_project(tmp_path, checker), "example-conflict")
    lines = {t.strip()[2:]: [] for t in nlu.read_text(encoding="utf-8").splitlines()}
    for n, t in enumerate(nlu.read_text(encoding="utf-8").splitlines(), 1):
        lines[t.strip()[2:]].append(n)
    enter = sorted(lines["Rasa NLU"] + lines["rasa nlu"][:1] + lines["rasa  NLU"])  # lines 4, 5, 7
    info = lines["rasa nlu"][1:]  # line 11
    assert (enter, info) == ([4, 5, 7], [11])  # the file as written (checked by hand)
    assert issue.message == (f"example 'Rasa NLU' (also written 'rasa NLU', 'rasa nlu') is under 2 intents: "
                             f"enter_data ({nlu}:4, {nlu}:5, {nlu}:7); nlu_info ({nlu}:11)")
    assert issue.source == f"{nlu}:4"
    assert issue.fix == "keep 'Rasa NLU' under the one intent it means (enter_data or nlu_info); delete or reword it at the other intents' lines"
    assert not find(validate_project(tmp_path, checker), "example-duplicate")  # reported once, as the conflict


def test_duplicate_fix_names_the_lines_to_delete(tmp_path: Path, checker: BoundaryChecker) -> None:
    write(tmp_path / "domain.yml", "version: '3.1'\nintents:\n- greet\nresponses:\n  utter_x:\n  - text: x\n")
    nlu = write(tmp_path / "data" / "nlu.yml", "nlu:\n- intent: greet\n  examples: |\n    - 안녕\n    - hi\n    - 안녕\n    - 안녕\n")
    (issue,) = find(validate_project(tmp_path, checker), "example-duplicate")
    assert issue.message == f"example '안녕' appears 3 times under 'greet': {nlu}:4, {nlu}:6, {nlu}:7"
    assert issue.fix == f"keep the first ({nlu}:4); delete the repeats at {nlu}:6, {nlu}:7"


BUTTONS_DOMAIN = """version: '3.1'
intents:
- affirm
- deny
slots:
  language:
    type: categorical
    values: [ko, en]
    mappings: [{type: custom}]
  beneficiary:
    type: categorical
    values: [self, parent]
    mappings: [{type: custom}]
responses:
  utter_ask_disabled:
  - condition:
    - type: slot
      name: beneficiary
      value: parent
    text: 부모님은 장애인으로 등록되어 있나요?
  - condition:
    - type: slot
      name: language
      value: en
    text: Do you have a registered disability?
    buttons:
    - title: "Yes"
      payload: /affirm
    - title: "No"
      payload: /deny
  - text: 장애인으로 등록되어 있으신가요?
    buttons:
    - title: 예
      payload: /affirm
    - title: 아니요
      payload: /deny
  - text: 장애인으로 등록되어 있으신가요?
    channel: telegram
"""


def test_a_variant_without_its_siblings_buttons_is_a_warning_at_its_line(tmp_path: Path, checker: BoundaryChecker) -> None:
    """s15: the parent variants of eight yes/no questions had no buttons while every other variant had 예/아니요.
    The channel variant is compared only with other telegram variants (none), so it is not flagged."""
    domain = write(tmp_path / "domain.yml", BUTTONS_DOMAIN)
    write(tmp_path / "data" / "nlu.yml", "nlu:\n- intent: affirm\n  examples: |\n    - 네\n- intent: deny\n  examples: |\n    - 아니요\n")
    got = find(validate_project(tmp_path, checker), "response-buttons")
    assert [i.level for i in got] == ["warning"], [i.format() for i in got]
    parent_variant = line_no(domain, "  - condition:")  # the first variant, the parent one
    assert got[0].source in (f"{domain}:{parent_variant}", f"{domain}:{parent_variant + 4}")
    assert "utter_ask_disabled" in got[0].message and "/affirm" in got[0].message and got[0].fix


def test_bundled_responses_offer_the_same_buttons_in_every_variant(checker: BoundaryChecker) -> None:
    assert [i.format() for i in find(validate_project(ROOT / "intents", checker), "response-buttons")] == []
