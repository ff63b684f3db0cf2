"""Rasa behaviours behind the peer projects' entity and slot failures, on small data written here.

* a lookup table named after no entity (Sara's ``products``) is a feature, not an extractor
  (Rasa's RegexEntityExtractor extracts only for annotated entities);
* a non-list slot takes the last matching entity (Rasa's ``value[-1]``);
* a Rasa 2.x domain's slot without ``mappings`` fills from the entity of its name
  (``store_entities_as_slots`` / ``auto_fill``, what ``rasa data migrate`` writes as a
  ``from_entity`` mapping).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.dialogue.events import ActionExecuted, UserUttered
from assistant.dialogue.forms import extract_slots
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.domain import Domain
from assistant.nlu.entities import EntityPipeline, EntityPipelineConfig
from assistant.nlu.types import NluTrainingData

LOOKUPS = {"products": ["rasa x", "nlu"], "resident": ["주민", "resident"]}


class TestLookupTables:
    def _pipe(self, names: list[str] | None) -> EntityPipeline:
        pipe = EntityPipeline(EntityPipelineConfig(extractors=["lookup"]))
        pipe.train(NluTrainingData(lookups=dict(LOOKUPS), synonyms={"rasa x": "x"}), names)
        return pipe

    def test_a_table_named_after_no_entity_extracts_nothing(self) -> None:
        pipe = self._pipe(["product", "resident"])
        assert [(e.entity, e.text) for e in pipe.extract("install rasa x, I am a resident")] == [("resident", "resident")]

    def test_without_entity_names_every_table_extracts_as_before(self) -> None:
        pipe = self._pipe(None)
        assert [(e.entity, e.text, e.value) for e in pipe.extract("install rasa x, I am a resident")] == [
            ("products", "rasa x", "x"), ("resident", "resident", "resident")]

    def test_the_table_is_still_a_crf_feature(self) -> None:
        pipe = self._pipe(["product"])
        text = "install rasa x"
        flags = pipe._flags(text, pipe.tokenizer.tokenize(text))
        assert [sorted(f) for f in flags] == [[], ["lk:products"], ["lk:products"]]

    def test_the_rule_survives_save_and_load(self, tmp_path: Path) -> None:
        self._pipe(["resident"]).save(tmp_path)
        loaded = EntityPipeline.load(tmp_path)
        assert [e.entity for e in loaded.extract("rasa x 주민")] == ["resident"]


def _tracker(domain: Domain, entities: list[dict[str, object]]) -> DialogueStateTracker:
    t = DialogueStateTracker.from_events("u", [ActionExecuted("action_listen")], dict(domain.slots))
    t.update(UserUttered("x", {"intent": {"name": "faq", "confidence": 0.9}, "entities": entities}))
    return t


def _domain(tmp_path: Path, text: str) -> Domain:
    path = tmp_path / "domain.yml"
    path.write_text(text, encoding="utf-8")
    return Domain.load(path)


RASA2 = """
version: "2.0"
config:
  store_entities_as_slots: {store}
intents: [faq]
entities: [product, city]
slots:
  product:
    type: categorical
    values: [rasa, x]
  city:
    type: text
    auto_fill: false
  products:
    type: list
"""


class TestSlots:
    def test_a_non_list_slot_takes_the_last_matching_entity(self, tmp_path: Path) -> None:
        d = _domain(tmp_path, 'version: "3.1"\nintents: [faq]\nentities: [product]\nslots:\n  product:\n    type: text\n'
                              '    mappings: [{type: from_entity, entity: product}]\n  all:\n    type: list\n'
                              '    mappings: [{type: from_entity, entity: product}]\n')
        both = [{"entity": "product", "value": "rasa"}, {"entity": "product", "value": "x"}]
        assert {e.name: e.value for e in extract_slots(_tracker(d, both), d)} == {"product": "x", "all": ["rasa", "x"]}

    def test_rasa2_slots_fill_from_the_entity_of_their_name(self, tmp_path: Path) -> None:
        d = _domain(tmp_path, RASA2.format(store="true"))
        assert [(m.type, m.entity) for m in d.slots["product"].fill_mappings] == [("from_entity", "product")]
        assert d.slots["product"].mappings == ()  # the domain as written (served to action servers) is unchanged
        assert d.slots["city"].fill_mappings == ()  # auto_fill: false
        t = _tracker(d, [{"entity": "product", "value": "x"}, {"entity": "city", "value": "Berlin"}])
        assert [(e.name, e.value) for e in extract_slots(t, d)] == [("product", "x")]

    @pytest.mark.parametrize(("version", "store"), [("3.1", "true"), ("2.0", "false")])
    def test_no_auto_fill_in_rasa3_or_when_entities_are_not_stored(self, tmp_path: Path, version: str, store: str) -> None:
        d = _domain(tmp_path, RASA2.format(store=store).replace('"2.0"', f'"{version}"'))
        assert all(s.fill_mappings == () for s in d.slots.values())
        assert extract_slots(_tracker(d, [{"entity": "product", "value": "x"}]), d) == []


class TestRasa2ImplicitSlots:
    """Rasa 2 read a story's user turn as the message plus the slots its entities auto-fill
    (``StoryStep.explicit_events``); Sara's test story leaves ``product: x`` unwritten."""

    DOMAIN = """
version: "{version}"
intents: [install, faq]
entities: [product]
slots:
  product:
    type: categorical
    values: [x, playground]
responses:
  utter_which: [{{text: "Which product?"}}]
  utter_x_server: [{{text: "Local or server?"}}]
  utter_faq: [{{text: "An answer."}}]
"""
    STORIES = """
version: "2.0"
stories:
- story: x after which
  steps:
  - intent: install
  - action: utter_which
  - intent: faq
    entities:
    - product: x
  - slot_was_set:
    - product: x
  - action: utter_x_server
- story: faq
  steps:
  - intent: faq
  - action: utter_faq
"""
    TEST = """
version: "2.0"
stories:
- story: the slot is not written
  steps:
  - intent: install
    user: /install
  - action: utter_which
  - intent: faq
    user: '/faq{"product": "x"}'
    entities:
    - product: x
  - action: utter_x_server
"""

    def _forced(self, tmp_path: Path, version: str) -> object:
        from test_rasa_compat import _processor  # type: ignore[import-not-found]

        from assistant.dialogue.e2e import load_test_stories
        from assistant.dialogue.e2e_forced import run_stories_forced

        p = _processor(tmp_path, domain=self.DOMAIN.format(version=version), stories=self.STORIES,
                       rules='version: "2.0"\nrules: []\n')
        path = tmp_path / "tests.yml"
        path.write_text(self.TEST, encoding="utf-8")
        return run_stories_forced(p, load_test_stories(path)).results[0]

    def test_forced_reading_sets_the_auto_filled_slot(self, tmp_path: Path) -> None:
        result = self._forced(tmp_path, "2.0")
        assert result.passed, result.divergence  # type: ignore[attr-defined]

    def test_rasa3_stories_set_only_what_they_write(self, tmp_path: Path) -> None:
        result = self._forced(tmp_path, "3.1")
        d = result.divergence  # type: ignore[attr-defined]
        assert d is not None and d.expected == "utter_x_server" and d.predicted != "utter_x_server"
