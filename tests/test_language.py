"""The pipeline is a real spaCy Language: config, to_disk / spacy.load in a fresh process,
multiprocessing and DocBin keep every layer."""

import json
import shutil
import subprocess
import sys

import pytest
from spacy.tokens import DocBin

from pipeline.resources import models_dir

TEXT = (
    "Президент России Владимир Путин встретился с Си Цзиньпином в Пекине. «Мы готовы», — сказал он."
)


STAGES = ["morphology", "lemmas", "syntax", "ner", "entities", "linking", "quotes", "relations"]


def layers(doc):
    return (
        [(t.text, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in doc],
        [
            (m.start_char, m.end_char, m.label_, m._.norm, m._.code, m._.kind, m._.entity_id)
            for m in doc.spans["mentions"]
        ],
        list(doc._.entities),  # msgpack gives lists back as tuples
        list(doc._.quotes),
        list(doc._.relations),
    )


def test_stages_in_design_order(nlp):
    assert nlp.pipe_names == STAGES
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "ru_news.RazdelTokenizer.v1"


def test_saved_pipeline_loads_with_spacy_load_in_a_fresh_process(nlp, tmp_path):
    nlp.to_disk(tmp_path / "model")
    script = (
        f"import spacy, json; nlp = spacy.load(r'{tmp_path / 'model'}'); doc = nlp({TEXT!r}); "
        "print(json.dumps([(m.text, m.label_) for m in doc.spans['mentions']], ensure_ascii=False))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    assert '["Владимир Путин", "PERSON"]' in result.stdout
    assert '["Пекине", "PLACE"]' in result.stdout


def test_docbin_keeps_every_layer(nlp):
    doc = nlp(TEXT)
    data = DocBin(store_user_data=True, docs=[doc]).to_bytes()
    restored = next(DocBin().from_bytes(data).get_docs(nlp.vocab))
    assert layers(restored) == layers(doc)


def test_worker_processes_give_the_same_layers(nlp):
    texts = [TEXT, "Токаев прибыл в Душанбе.", "Лавров заявил, что МИД России готов."]
    single = [layers(doc) for doc in nlp.pipe(texts)]
    multi = [layers(doc) for doc in nlp.pipe(texts, n_process=2, batch_size=1)]
    assert multi == single


@pytest.mark.parametrize("name", STAGES)
def test_stage_declares_its_layer_and_finds_what_it_requires(nlp, name):
    """`assigns`/`requires` let spaCy check the stage order: each stage's requirements are
    assigned by a stage before it."""
    assert nlp.analyze_pipes()["problems"][name] == []
    assert nlp.get_pipe_meta(name).assigns


OWN_RULES_TEXT = (
    "Российская сторона готова к переговорам. Президент России Владимир Путин встретился с "
    "Си Цзиньпином в Пекине. «Мы готовы», — сказал он."
)
OWN_RULES_SCRIPT = """
import json, sys
from pathlib import Path

import spacy

from pipeline import quotes, resources

resources.models_dir = lambda: Path(sys.argv[2])  # the installed models/ differ from the saved
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[3])
fresh = quotes.QuoteFinder("quotes", 6, 4, quotes.RULE_FILES)(nlp(sys.argv[3]))._.quotes
print(json.dumps({
    "mentions": [[m.text, m.label_, m._.norm, m._.code, m._.kind] for m in doc.spans["mentions"]],
    "quotes": doc._.quotes,
    "fresh_quotes": fresh,
}, ensure_ascii=False))
"""


def test_saved_pipeline_runs_on_its_own_rule_files(nlp, tmp_path):
    """A pipeline saved with `to_disk` keeps the rule files it ran with: in a fresh process whose
    models/ lack state_adjectives.tsv and have "сказать" removed from speech_cues.tsv, it finds
    the same mentions and quotes (a quote stage built from those models/ misses the quote)."""
    doc = nlp(OWN_RULES_TEXT)
    nlp.to_disk(tmp_path / "saved")
    models = shutil.copytree(models_dir(), tmp_path / "models")
    (models / "state_adjectives.tsv").unlink()
    cues = models / "speech_cues.tsv"
    lines = cues.read_text(encoding="utf-8").splitlines(keepends=True)
    cues.write_text("".join(x for x in lines if not x.startswith("сказать\t")), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            OWN_RULES_SCRIPT,
            str(tmp_path / "saved"),
            str(models),
            OWN_RULES_TEXT,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    loaded = json.loads(result.stdout)
    mentions = [[m.text, m.label_, m._.norm, m._.code, m._.kind] for m in doc.spans["mentions"]]
    assert ["Российская", "STATE", "Россия", "RUS", "adjective"] in mentions
    assert loaded["mentions"] == mentions
    assert loaded["quotes"] == doc._.quotes and [q["cue"] for q in doc._.quotes] == ["сказать"]
    assert loaded["fresh_quotes"] == []
