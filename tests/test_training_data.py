"""Reading Rasa 3.x training data, domains, rules and stories unchanged."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from assistant.errors import InvalidConfigError
from assistant.nlu.annotations import parse_example, strip_annotations
from assistant.nlu.domain import Domain
from assistant.nlu.project import load_project
from assistant.nlu.stories import ActionStep, ActiveLoopStep, CheckpointStep, IntentStep, OrStep, SlotWasSetStep
from assistant.nlu.training_data import load_nlu_examples, load_training_data
from shared_paths import ROOT, SHARED_DATA


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def line_no(path: Path, needle: str) -> int:
    """1-based number of the first line of ``path`` containing ``needle`` (the independent answer)."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {path}")


# raw example, plain text, [(surface, entity, value, role, group)]
ANNOTATIONS = [
    ("[강남구](district)에서 신청하려면", "강남구에서 신청하려면", [("강남구", "district", "강남구", None, None)]),
    ("[서울시](city:서울특별시)에 살아요", "서울시에 살아요", [("서울시", "city", "서울특별시", None, None)]),
    ('[부산]{"entity": "city", "role": "from"}에서 [대구]{"entity": "city", "role": "to", "value": "대구광역시", "group": "1"}로',
     "부산에서 대구로", [("부산", "city", "부산", "from", None), ("대구", "city", "대구광역시", "to", "1")]),
    ("I live in [New York](city) now", "I live in New York now", [("New York", "city", "New York", None, None)]),
    ("my [savings account](account:savings) please", "my savings account please", [("savings account", "account", "savings", None, None)]),
    ('fly to [LA]{"entity": "city", "value": "Los Angeles"}', "fly to LA", [("LA", "city", "Los Angeles", None, None)]),
    ('call [Kim][{"entity": "name"}, {"entity": "person", "role": "callee"}]', "call Kim",
     [("Kim", "name", "Kim", None, None), ("Kim", "person", "Kim", "callee", None)]),
    ("no annotations here", "no annotations here", []),
    ("[😀 emoji](thing) and [아동수당](service)", "😀 emoji and 아동수당", [("😀 emoji", "thing", "😀 emoji", None, None), ("아동수당", "service", "아동수당", None, None)]),
]


@pytest.mark.parametrize(("raw", "plain", "expected"), ANNOTATIONS, ids=[a[1][:12] for a in ANNOTATIONS])
def test_annotation_forms_and_offsets(raw: str, plain: str, expected: list[tuple[str, str, str, str | None, str | None]]) -> None:
    parsed = parse_example(raw)
    assert parsed.problems == ()
    assert parsed.text == plain == strip_annotations(raw)
    got = parsed.entities
    assert len(got) == len(expected)
    search_from = 0
    for span, (surface, entity, value, role, group) in zip(got, expected, strict=True):
        start = plain.find(surface, search_from) if span.start >= search_from else plain.find(surface)
        assert (span.start, span.end) == (start, start + len(surface))
        assert plain[span.start : span.end] == span.text == surface
        assert (span.entity, span.value, span.role, span.group) == (entity, value, role, group)
        search_from = start


@pytest.mark.parametrize("raw", ['[x]{"entity": }', '[x]{"value": "y"}', '[x]{"entity": "e", "colour": "red"}', "[x]( )", "[x]()", "[]{x}"])
def test_bad_annotations_are_problems_not_dropped(raw: str) -> None:
    assert parse_example(raw).problems


NLU = """
version: "3.1"
nlu:
- intent: ask_district
  examples: |
    - [강남구](district)에서 신청할 수 있나요
    - [서울시](city:서울특별시) 주민이에요
    - Can I apply in [Gangnam](district)?

- intent: faq/ask_hours
  metadata:
    language: en
  examples:
  - text: |
      what are your opening hours
    metadata:
      sentiment: neutral
  - text: 운영 시간이 어떻게 되나요

- synonym: 서울특별시
  examples: |
    - 서울
    - Seoul

- regex: zipcode
  examples: |
    - [0-9]{5}

- lookup: district
  examples: |
    - 강남구
    - 서초구
"""


def test_load_training_data_everything(tmp_path: Path) -> None:
    f = write(tmp_path / "data" / "nlu.yml", NLU)
    write(tmp_path / "data" / "stories.yml", "version: '3.1'\nstories:\n- story: s\n  steps:\n  - intent: greet\n")
    data = load_training_data([tmp_path / "data"])
    by_text = {e.text: e for e in data.examples}
    assert [e.intent for e in data.examples] == ["ask_district"] * 3 + ["faq/ask_hours"] * 2
    ex = by_text["강남구에서 신청할 수 있나요"]
    assert ex.source == f"{f}:{line_no(f, '[강남구](district)')}"
    assert ex.entities[0].text == "강남구" and ex.entities[0].entity == "district"
    assert by_text["Can I apply in Gangnam?"].source == f"{f}:{line_no(f, 'Can I apply')}"
    hours = by_text["what are your opening hours"]
    assert hours.metadata == {"sentiment": "neutral"} and hours.source == f"{f}:{line_no(f, 'what are your opening hours')}"
    assert by_text["운영 시간이 어떻게 되나요"].metadata == {"language": "en"}  # the intent block's metadata
    assert data.synonyms == {"서울시": "서울특별시", "서울": "서울특별시", "Seoul": "서울특별시"}
    assert data.regexes == {"zipcode": ["[0-9]{5}"]} and data.lookups == {"district": ["강남구", "서초구"]}
    assert data.sources["regex:zipcode"] == f"{f}:{line_no(f, '- regex: zipcode')}"
    assert data.sources["lookup:district"] == f"{f}:{line_no(f, '- lookup: district')}"
    assert data.sources["synonym-variant:Seoul"] == f"{f}:{line_no(f, '- Seoul')}"
    assert data.entity_types == {"district", "city"}
    assert [e.text for e in load_nlu_examples([f])] == [e.text for e in data.examples]


def test_files_and_folders_merge_in_order(tmp_path: Path) -> None:
    write(tmp_path / "a" / "x.yml", "nlu:\n- intent: greet\n  examples: |\n    - 안녕\n")
    write(tmp_path / "a" / "sub" / "y.yaml", "nlu:\n- intent: bye\n  examples: |\n    - 잘가\n")
    write(tmp_path / "a" / "domain.yml", "intents:\n- greet\n")
    single = write(tmp_path / "z.yml", "nlu:\n- intent: greet\n  examples: |\n    - hi\n")
    data = load_training_data([tmp_path / "a", single])
    assert [(e.text, e.intent) for e in data.examples] == [("잘가", "bye"), ("안녕", "greet"), ("hi", "greet")]


@pytest.mark.parametrize(
    ("text", "needle", "code_word"),
    [
        ("nlu:\n- intent: greet\n  examples: |\n    - hi\n   bad: [unclosed\n", "bad:", "invalid YAML"),
        ("nlu:\n- intent: greet\n  examples: |\n    - ok\n    - [x]{\"entity\": }\n", "[x]", "not valid JSON"),
        ("nlu:\n- regex: r\n  examples: |\n    - ([0-9]\n", "([0-9]", "does not compile"),
        ("nlu:\n- lookup: empty\n  examples: |\n", "lookup: empty", "no entries"),
    ],
    ids=["yaml-syntax", "annotation-json", "regex", "lookup-empty"],
)
def test_errors_raise_with_file_and_line(tmp_path: Path, text: str, needle: str, code_word: str) -> None:
    f = write(tmp_path / "nlu.yml", text)
    with pytest.raises(InvalidConfigError) as e:
        load_training_data([f])
    assert f"{f}:{line_no(f, needle)}" in str(e.value) and code_word in str(e.value)


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfigError, match="does not exist"):
        load_training_data([tmp_path / "nope.yml"])


DOMAIN = """
version: "3.1"
intents:
  - greet
  - inform:
      use_entities: [city]
  - chitchat:
      use_entities: false
      ignore_entities: [name]
entities:
  - city:
      roles: [from, to]
      groups: ["1", "2"]
  - name
slots:
  city:
    type: categorical
    values: [seoul, busan]
    influence_conversation: false
    mappings:
      - type: from_entity
        entity: city
        role: from
        conditions:
          - active_loop: trip_form
            requested_slot: city
  agree:
    type: bool
    mappings:
      - type: from_intent
        intent: greet
        value: yes
  score:
    type: float
    min_value: 0
    max_value: 5
    initial_value: 2.5
    mappings:
      - type: custom
        action: action_score
  language:
    type: text
    mappings:
      - type: custom
responses:
  utter_greet:
    - text: "default"
    - text: "telegram ko"
      channel: telegram
      condition:
        - type: slot
          name: language
          value: ko
    - text: "en"
      condition:
        - type: slot
          name: language
          value: en
    - text: "telegram default"
      channel: telegram
  utter_ask_city:
    - text: "Where?"
forms:
  trip_form:
    required_slots: [city]
    ignored_intents: [chitchat]
actions:
  - action_score
  - action_hello: {send_domain: true}
session_config:
  session_expiration_time: 0
  carry_over_slots_to_new_session: false
"""


def test_domain_fields(tmp_path: Path) -> None:
    f = write(tmp_path / "domain.yml", DOMAIN)
    d = Domain.load(f)
    assert d.version == "3.1"
    assert d.intents == ["greet", "inform", "chitchat"]
    assert d.intent_defs["greet"].use_entities is None and d.intent_defs["inform"].use_entities == ("city",)
    assert d.intent_defs["chitchat"].use_entities == () and d.intent_defs["chitchat"].ignore_entities == ("name",)
    assert d.entity_defs["city"].roles == ("from", "to") and d.entity_defs["city"].groups == ("1", "2")
    city = d.slots["city"]
    assert (city.type, city.values, city.influence_conversation) == ("categorical", ("seoul", "busan"), False)
    m = city.mappings[0]
    assert (m.type, m.entity, m.role, m.conditions) == ("from_entity", "city", "from", ({"active_loop": "trip_form", "requested_slot": "city"},))
    assert m.source == f"{f}:{line_no(f, '- type: from_entity')}"
    assert d.slots["agree"].mappings[0].value == "yes"  # YAML 1.2, as Rasa reads it: not a boolean
    assert (d.slots["score"].min_value, d.slots["score"].max_value, d.slots["score"].initial_value) == (0.0, 5.0, 2.5)
    assert d.slots["score"].mappings[0].action == "action_score"
    assert d.forms["trip_form"].required_slots == ("city",) and d.forms["trip_form"].ignored_intents == ("chitchat",)
    assert d.actions == ["action_score", "action_hello"]
    assert (d.session_config.session_expiration_time, d.session_config.carry_over_slots_to_new_session) == (0.0, False)
    assert d.sources["slot:score"] == f"{f}:{line_no(f, '  score:')}"


@pytest.mark.parametrize(
    ("language", "channel", "expected"),
    [("ko", "telegram", "telegram ko"), ("en", "telegram", "en"), ("en", None, "en"), ("ko", None, "default"),
     (None, "telegram", "telegram default"), (None, "slack", "default")],
)
def test_response_variant_choice(tmp_path: Path, language: str | None, channel: str | None, expected: str) -> None:
    d = Domain.load(write(tmp_path / "domain.yml", DOMAIN))
    assert d.response("utter_greet", language, channel)["text"] == expected


def test_unknown_response_raises(tmp_path: Path) -> None:
    d = Domain.load(write(tmp_path / "domain.yml", DOMAIN))
    with pytest.raises(InvalidConfigError, match="utter_nope"):
        d.response("utter_nope", "ko")


def test_domain_folder_is_merged(tmp_path: Path) -> None:
    write(tmp_path / "domain" / "a.yml", "version: '3.1'\nintents:\n- greet\nresponses:\n  utter_greet:\n  - text: hi\n")
    write(tmp_path / "domain" / "b.yml", "intents:\n- bye\nentities:\n- city\nforms:\n  f:\n    required_slots:\n      city:\n      - type: from_entity\n        entity: city\n")
    d = Domain.load(tmp_path / "domain")
    assert d.intents == ["greet", "bye"] and d.entities == ["city"] and d.response("utter_greet")["text"] == "hi"
    assert d.forms["f"].required_slots == ("city",) and d.forms["f"].legacy_mappings["city"][0].entity == "city"  # Rasa 2 form style


def test_bundled_domain_languages() -> None:
    d = Domain.load(ROOT / "intents" / "domain.yml")
    raw = yaml.safe_load((ROOT / "intents" / "domain.yml").read_text(encoding="utf-8"))
    greet = raw["responses"]["utter_greet"]
    en = next(v["text"] for v in greet if v.get("condition"))
    ko = next(v["text"] for v in greet if not v.get("condition"))
    assert d.response("utter_greet", "en")["text"] == en
    assert d.response("utter_greet", "ko")["text"] == ko
    assert d.intents == [i if isinstance(i, str) else next(iter(i)) for i in raw["intents"]]


STORIES = """
version: "3.1"
stories:
- story: trip
  steps:
  - intent: inform
    entities:
    - city: seoul
      role: from
    - name
  - action: trip_form
  - active_loop: trip_form
  - slot_was_set:
    - city: seoul
    - agree
  - active_loop: null
  - checkpoint: after_trip
  - or:
    - intent: greet
    - slot_was_set:
      - agree: true
  - user: |
      [부산]{"entity": "city", "role": "to"}으로 갈래요
  - bot: 알겠어요
rules:
- rule: greet
  condition:
  - active_loop: trip_form
  steps:
  - intent: greet
  - action: utter_greet
  wait_for_user_input: false
- rule: start
  conversation_start: true
  steps:
  - intent: greet
  - action: utter_greet
"""


def test_stories_and_rules(tmp_path: Path) -> None:
    f = write(tmp_path / "data" / "stories.yml", STORIES)
    write(tmp_path / "domain.yml", DOMAIN)
    p = load_project(tmp_path)
    (story,) = p.stories
    s = story.steps
    assert isinstance(s[0], IntentStep) and s[0].intent == "inform" and s[0].source == f"{f}:{line_no(f, '- intent: inform')}"
    assert [(e.entity, e.value, e.role, e.any_value) for e in s[0].entities] == [("city", "seoul", "from", False), ("name", None, None, True)]
    assert isinstance(s[1], ActionStep) and s[1].action == "trip_form"
    assert isinstance(s[2], ActiveLoopStep) and s[2].name == "trip_form"
    assert isinstance(s[3], SlotWasSetStep) and [(v.slot, v.value, v.any_value) for v in s[3].slots] == [("city", "seoul", False), ("agree", None, True)]
    assert isinstance(s[4], ActiveLoopStep) and s[4].name is None
    assert isinstance(s[5], CheckpointStep) and s[5].name == "after_trip"
    assert isinstance(s[6], OrStep) and isinstance(s[6].alternatives[0], IntentStep) and isinstance(s[6].alternatives[1], SlotWasSetStep)
    assert s[6].alternatives[1].slots[0].value is True
    assert isinstance(s[7], IntentStep) and s[7].user == "부산으로 갈래요" and s[7].intent is None
    assert [(e.entity, e.value, e.role) for e in s[7].entities] == [("city", "부산", "to")]
    assert isinstance(s[8], ActionStep) and s[8].bot == "알겠어요"
    r1, r2 = p.rules
    assert [type(c) for c in r1.condition] == [ActiveLoopStep] and r1.wait_for_user_input is False and not r1.conversation_start
    assert r2.conversation_start and r2.wait_for_user_input


def test_bundled_project_loads() -> None:
    p = load_project(ROOT / "intents")
    plain = re.compile(r"\[([^\]]+)\]\([^)]*\)")  # our data uses only the [text](entity) form
    expected = []
    # every data file of the folder in name order (nlu.yml, then the generated places.yml …; tests/ is not data)
    for path in sorted((ROOT / "intents").glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        expected += [
            (plain.sub(r"\1", line[2:].strip()), b["intent"])
            for b in raw.get("nlu") or [] if "intent" in b for line in b["examples"].splitlines()
            if line.strip().startswith("- ")
        ]
    assert ("서울", "inform") in expected  # intents/places.yml is read too
    assert [(e.text, e.intent) for e in p.nlu.examples] == expected
    assert len(p.rules) == len(yaml.safe_load((ROOT / "intents" / "rules.yml").read_text(encoding="utf-8"))["rules"])
    assert p.domain.intents and p.nlu.examples[0].source == f"{ROOT / 'intents' / 'nlu.yml'}:{line_no(ROOT / 'intents' / 'nlu.yml', '- ' + expected[0][0])}"


# --- the two real Rasa projects, read unchanged -------------------------------------------------

_ITEM = re.compile(r"^(\s*)- (intent|synonym|regex|lookup):\s*(.+?)\s*$")
_ANN = re.compile(r"\[[^\]]+\](?:\([^)]+\)|\{[^}]+\})")


def count_by_lines(data_dir: Path) -> tuple[dict[str, int], int]:
    """Examples per intent and annotations, by reading lines (no YAML parser): the independent count."""
    per_intent: dict[str, int] = {}
    annotations = 0
    for f in sorted(data_dir.rglob("*.yml")):
        kind, name, item_indent = None, "", -1
        for line in f.read_text(encoding="utf-8").splitlines():
            m = _ITEM.match(line)
            if m:
                kind, name, item_indent = m.group(2), m.group(3).strip("'\""), len(m.group(1))
                continue
            stripped = line.lstrip()
            indent = len(line) - len(stripped)
            if stripped.startswith("- ") and indent <= item_indent:
                kind = None  # the next top-level item (e.g. a story) ends the block
            if kind == "intent" and stripped.startswith("- ") and indent > item_indent + 2:
                per_intent[name] = per_intent.get(name, 0) + 1
                annotations += len(_ANN.findall(stripped))
    return per_intent, annotations


@pytest.mark.parametrize("name", ["rasa_demo_sara", "rasa_financial_demo"])
def test_real_rasa_projects_load_unchanged(name: str) -> None:
    root = SHARED_DATA / name
    if not (root / "domain.yml").exists():
        pytest.skip(f"{root} not found (the shared Rasa demo data is not in this checkout)")
    p = load_project(root)
    per_intent, annotations = count_by_lines(root / "data")
    got: dict[str, int] = {}
    for ex in p.nlu.examples:
        got[ex.intent] = got.get(ex.intent, 0) + 1
    assert got == per_intent
    assert sum(len(ex.entities) for ex in p.nlu.examples) == annotations
    raw_domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    assert p.domain.intents == [i if isinstance(i, str) else next(iter(i)) for i in raw_domain["intents"]]
    assert p.domain.entities == raw_domain["entities"]
    assert set(p.domain.slots) == set(raw_domain["slots"]) and set(p.domain.forms) == set(raw_domain["forms"])
    assert set(raw_domain["responses"]) <= set(p.domain.responses)
    n_stories = n_rules = 0
    for f in (root / "data").rglob("*.yml"):
        text = f.read_text(encoding="utf-8")
        n_stories += len(re.findall(r"^ *- story:", text, re.M))
        n_rules += len(re.findall(r"^ *- rule:", text, re.M))
    assert (len(p.stories), len(p.rules)) == (n_stories, n_rules)
    lines: dict[str, list[str]] = {}
    for ex in p.nlu.examples:  # every source points at the line that holds the example
        path, line = ex.source.rsplit(":", 1)  # type: ignore[union-attr]
        text = lines.setdefault(path, Path(path).read_text(encoding="utf-8").splitlines())[int(line) - 1]
        assert ex.text in re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", text)
