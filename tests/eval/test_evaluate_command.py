"""`ru-news evaluate`: every command runs its scorer from ru_news_eval's registry, prints the
report and saves it; the package is imported only by the command, and its absence is a usage
error naming the extra to install."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, dataset
from typer.testing import CliRunner

from pipeline import cli
from pipeline.cli import app
from ru_news_eval import SCORERS, Report

NEREL = {
    "1": ("Владимир Путин прибыл в Москву.", ["T1\tPERSON 0 14\tВладимир Путин", "T2\tCITY 24 30"]),
    "2": ("Токаев посетил Таджикистан.", ["T1\tPERSON 0 6\tТокаев", "T2\tCOUNTRY 15 26\tx"]),
}
REPORT = Report(
    "fake",
    pd.DataFrame([{"type": "holds_position", "f1": 0.75, "best": float("nan")}]),
    lines=("documents 5",),
    fields={"counts": {"documents": 5}},
)


@dataclass
class FakeScorer:
    """Records what the command passed and returns a fixed report (or raises `error`)."""

    name: str
    data: str = "a fake folder"
    error: Exception | None = None
    calls: list = field(default_factory=list)

    def score(self, nlp, data, limit=None, **options):
        self.calls.append((nlp, data, limit, options))
        if self.error:
            raise self.error
        return REPORT


@pytest.fixture
def fake_nlp(monkeypatch):
    monkeypatch.setattr(cli, "load_nlp", lambda: "nlp")


def test_the_registry_names_the_commands():
    commands = {command.name for command in cli.evaluate_app.registered_commands}
    assert set(SCORERS) == commands
    assert all(scorer.name == name for name, scorer in SCORERS.items())


@pytest.mark.parametrize(
    ("command", "options", "passed"),
    [
        ("ner", ["--dataset", "nerel"], {"dataset": "nerel"}),
        ("coref", [], {}),
        ("quotes", [], {}),
        ("opinion", [], {}),
        ("relations", [], {"official": None}),
        ("nerel-relations", [], {}),
        ("rured", [], {}),
    ],
)
def test_each_command_prints_and_saves_its_scorers_report(
    command, options, passed, tmp_path, monkeypatch, fake_nlp
):
    scorer = FakeScorer(command)
    monkeypatch.setitem(SCORERS, command, scorer)
    saved = tmp_path / "scores.json"
    arguments = ["evaluate", command, "--data", str(tmp_path), "--limit", "5", "--json", str(saved)]
    result = CliRunner().invoke(app, [*arguments, *options])
    assert result.exit_code == 0, result.output
    assert scorer.calls == [("nlp", tmp_path, 5, passed)]
    assert result.output == REPORT.summary() + "\n"
    assert json.loads(saved.read_text(encoding="utf-8")) == REPORT.to_json(tmp_path, 5)


def test_relations_passes_the_2016_reports(tmp_path, monkeypatch, fake_nlp):
    scorer = FakeScorer("relations")
    monkeypatch.setitem(SCORERS, "relations", scorer)
    arguments = ["--data", str(tmp_path), "--official", str(tmp_path)]
    result = CliRunner().invoke(app, ["evaluate", "relations", *arguments])
    assert result.exit_code == 0, result.output
    assert scorer.calls == [("nlp", tmp_path, None, {"official": tmp_path})]


def test_report_json_has_the_header_the_fields_and_null_for_missing():
    assert REPORT.to_json(Path("gold"), None) == {
        "dataset": "fake",
        "data": "gold",
        "limit": None,
        "counts": {"documents": 5},
        "scores": [{"type": "holds_position", "f1": 0.75, "best": None}],
    }
    assert REPORT.summary().splitlines()[-1] == "documents 5"


def test_a_scorer_that_cannot_read_the_folder_is_fatal(tmp_path, monkeypatch, fake_nlp):
    monkeypatch.setitem(SCORERS, "rured", FakeScorer("rured", error=ValueError("no .ann files")))
    result = CliRunner().invoke(app, ["evaluate", "rured", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert "cannot evaluate on" in result.output and "no .ann files" in result.output


def test_without_the_package_the_command_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ru_news_eval", None)  # import fails
    result = CliRunner().invoke(app, ["evaluate", "rured", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert 'pip install -e ".[eval]"' in result.output


def test_the_pipeline_and_its_cli_do_not_import_the_scorers():
    code = "import sys, pipeline.cli; sys.exit('ru_news_eval' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO, check=False).returncode == 0


def test_evaluate_ner_on_a_nerel_folder(tmp_path: Path):
    folder = tmp_path / "dev"
    folder.mkdir()
    for name, (text, ann) in NEREL.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / f"{name}.ann").write_text("\n".join(ann) + "\n", encoding="utf-8")
    report = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["evaluate", "ner", "--data", str(folder), "--json", report])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split() == ["type", "precision", "recall", "f1", "tp", "fp", "fn"]
    assert rows[-1].split()[0] == "ALL"
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["dataset"] == "nerel"
    assert saved["scores"][-1]["type"] == "ALL"
    assert saved["scores"][-1]["tp"] + saved["scores"][-1]["fn"] == 4


def test_evaluate_ner_needs_a_recognisable_folder(tmp_path: Path):
    result = CliRunner().invoke(app, ["evaluate", "ner", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "cannot tell the dataset" in result.output


def test_evaluate_coref_prints_b_cubed(tmp_path):
    devset = dataset("factrueval2016") / "devset"
    saved = tmp_path / "coref.json"
    arguments = ["--data", str(devset), "--limit", "2", "--json", str(saved)]
    result = CliRunner().invoke(app, ["evaluate", "coref", *arguments])
    assert result.exit_code == 0, result.output
    assert "b3" in result.output
    scores = json.loads(saved.read_text(encoding="utf-8"))["scores"]
    assert {row["metric"] for row in scores} >= {"b3", "muc"}
