"""The pipeline is a real spaCy Language: config, to_disk / spacy.load in a fresh process,
multiprocessing and DocBin keep every layer."""

import subprocess
import sys

from spacy.tokens import DocBin

TEXT = (
    "Президент России Владимир Путин встретился с Си Цзиньпином в Пекине. «Мы готовы», — сказал он."
)


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
    assert nlp.pipe_names == [
        "morphology",
        "lemmas",
        "syntax",
        "ner",
        "entities",
        "linking",
        "quotes",
        "relations",
    ]
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
