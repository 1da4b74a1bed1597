"""The relation stage owns its rule files: they are compiled and validated, saved with a pipeline
and read back from it whatever models/ is installed, and an edited copy changes what is found."""

import json
import pickle

import pytest
import spacy
from conftest import SEED_TEXT
from spacy.matcher import DependencyMatcher

from pipeline import resources
from pipeline.relations import RelationFinder
from pipeline.relations.context import state_table
from pipeline.relations.matching import expand_sets
from pipeline.relations.stage import RULE_FILES
from pipeline.rules import RuleFiles


def test_every_pattern_compiles_for_the_dependency_matcher(nlp):
    patterns = nlp.get_pipe("relations").patterns()
    matcher = DependencyMatcher(nlp.vocab, validate=True)
    for name, nodes in patterns.items():
        matcher.add(name, [nodes])
    assert len(matcher) == len(patterns) > 0


def test_named_sets_are_written_once_and_expanded(nlp):
    table = json.loads(nlp.get_pipe("relations").rules.text("patterns"))
    written = [
        json.dumps(node["RIGHT_ATTRS"], ensure_ascii=False)
        for nodes in table["patterns"].values()
        for node in nodes
    ]
    assert all(any(f'"${name}"' in node for node in written) for name in table["sets"])
    attributes = {"_": {"relation_cue": {"IN": "$signing"}}, "DEP": "obj"}
    assert expand_sets(attributes, {"signing": ["signed_agreement/verb"]}) == {
        "_": {"relation_cue": {"IN": ["signed_agreement/verb"]}},
        "DEP": "obj",
    }


def test_config_names_the_files_and_thresholds(nlp):
    config = nlp.config["components"]["relations"]
    assert config["rules"] == RULE_FILES
    assert (config["anaphor_window"], config["max_steps"]) == (2, 3)
    assert "doc._.relations" in nlp.get_pipe_meta("relations").assigns


@pytest.mark.parametrize(
    ("role", "name", "code"),
    [
        ("city_states", "Брюссель", "BEL"),
        ("city_states", "Вашингтон", "USA"),  # not Washington in England
        ("city_states", "Пекин", "CHN"),  # not Pekin, Illinois
        ("city_states", "Москва", "RUS"),
        ("city_states", "Мир", None),  # a common word, not the town in Belarus
        ("capitals", "Пекин", "CHN"),
        ("capitals", "Вашингтон", "USA"),
        ("capitals", "Киев", "UKR"),
        ("capitals", "Чикаго", None),  # a city, no capital
        ("capitals", "Санкт-Петербург", None),
        ("landmark_states", "Кремль", "RUS"),
        ("landmark_states", "Кэмп-Дэвид", "USA"),
    ],
)
def test_state_gazetteers_map_names_to_states(role, name, code):
    """The built models/city_states.tsv and capitals.tsv and the hand-made landmark_states.tsv
    parse; names are looked up folded."""
    table = RuleFiles(RULE_FILES).built(role, state_table)
    assert len(table) > 10
    assert table.get(name.lower()) == code


def relation_rows(doc) -> list[tuple]:
    return [(r["relation"], r["subject"], r["object"], r["attribute"]) for r in doc._.relations]


def test_saved_pipeline_reads_its_own_rule_files(nlp, seed_doc, tmp_path, monkeypatch):
    """With models/ emptied after the save, the saved copies give the same relations."""
    nlp.to_disk(tmp_path / "model")
    assert (tmp_path / "model" / "relations" / "relation_cues.tsv").is_file()
    empty = tmp_path / "no_models"
    empty.mkdir()
    monkeypatch.setattr(resources, "models_dir", lambda: empty)
    loaded = spacy.load(tmp_path / "model")
    doc = loaded(SEED_TEXT.read_text(encoding="utf-8"))
    assert relation_rows(doc) == relation_rows(seed_doc)
    assert doc._.relation_positions == seed_doc._.relation_positions != []


def without_signing(folder) -> None:
    cues = folder / "relation_cues.tsv"
    kept = [
        line
        for line in cues.read_text(encoding="utf-8").splitlines(keepends=True)
        if not line.startswith(("подписать\t", "подписывать\t"))
    ]
    cues.write_text("".join(kept), encoding="utf-8")


def test_an_edited_rule_file_changes_what_is_found(nlp, tmp_path):
    """Signing words taken out of the saved relation_cues.tsv: no agreement is found, in a
    loaded pipeline and in a stage that had already run and reads the folder again."""
    text = SEED_TEXT.read_text(encoding="utf-8")
    nlp.to_disk(tmp_path / "model")
    folder = tmp_path / "model" / "relations"
    stage = RelationFinder("relations", RULE_FILES, anaphor_window=2, max_steps=3)
    doc = stage(nlp(text))
    assert "signed_agreement" in {row[0] for row in relation_rows(doc)}
    without_signing(folder)
    stage.from_disk(folder)
    assert "signed_agreement" not in {row[0] for row in relation_rows(stage(doc))}
    loaded = spacy.load(tmp_path / "model")
    assert "signed_agreement" not in {row[0] for row in relation_rows(loaded(text))}


@pytest.mark.parametrize("role", sorted(RULE_FILES))
def test_a_missing_rule_file_is_an_error(nlp, tmp_path, role):
    folder = tmp_path / "relations"
    nlp.get_pipe("relations").to_disk(folder)
    (folder / RULE_FILES[role]).unlink()
    with pytest.raises(FileNotFoundError, match=RULE_FILES[role]):
        RelationFinder("relations", RULE_FILES, 2, 3).from_disk(folder)


def test_only_saved_rules_travel_to_workers(nlp, tmp_path):
    """A stage pickles without the installed rule files (a worker reads them again), but with
    the rules of a saved pipeline, edits included."""
    assert len(pickle.dumps(nlp.get_pipe("relations"))) < 5_000
    folder = tmp_path / "relations"
    nlp.get_pipe("relations").to_disk(folder)
    without_signing(folder)
    stage = RelationFinder("relations", RULE_FILES, 2, 3).from_disk(folder)
    copy = pickle.loads(pickle.dumps(stage))
    assert copy.rules.text("cues") == (folder / RULE_FILES["cues"]).read_text(encoding="utf-8")
