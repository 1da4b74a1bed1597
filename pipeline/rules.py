"""Rule files owned by the stage that reads them, as spaCy's SpanRuler owns its patterns.

A rule stage names its files in its `default_config` ("cues": "speech_cues.tsv"). They are read
from the installed models/ the first time the stage needs them, unless `from_disk` has already
read the copies saved with a pipeline: `nlp.to_disk(path)` writes every file beside the stage's
config, so a saved pipeline runs from its own folder whatever models/ is installed.

What a stage builds from a file (a lexicon, a matcher's patterns) is cached per stage instance
and dropped when the files are replaced, never cached per process as module globals were.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from .resources import model_path

T = TypeVar("T")


class RuleFiles:
    """The named rule files of one component: role → file name, and each file's text."""

    def __init__(self, names: Mapping[str, str]):
        self.names = dict(names)
        self._texts: dict[str, str] = {}
        self._built: dict[tuple[str, Callable], Any] = {}
        self.saved = False  # texts read by `from_disk` from a saved pipeline, not from models/

    def __getstate__(self) -> dict:
        """Pickled small for worker processes: never what was built from the files, and the
        texts only when they came from a saved pipeline (a worker reads models/ itself)."""
        texts = self._texts if self.saved else {}
        return {"names": self.names, "_texts": texts, "_built": {}, "saved": self.saved}

    def text(self, role: str) -> str:
        if role not in self._texts:
            self._texts[role] = model_path(self.names[role]).read_text(encoding="utf-8")
        return self._texts[role]

    def built(self, role: str, builder: Callable[[str], T]) -> T:
        """`builder(text)` of a file, built once per stage: "speech_cues.tsv" → a cue lexicon."""
        key = (role, builder)
        if key not in self._built:
            self._built[key] = builder(self.text(role))
        return self._built[key]

    def to_disk(self, path: str | Path) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        for role, name in self.names.items():
            (folder / name).write_text(self.text(role), encoding="utf-8")

    def from_disk(self, path: str | Path) -> None:
        folder = Path(path)
        texts = {}
        for role, name in self.names.items():
            file = folder / name
            if not file.is_file():
                raise FileNotFoundError(f"rule file {name!r} is missing from {folder}")
            texts[role] = file.read_text(encoding="utf-8")
        self._texts = texts
        self._built = {}
        self.saved = True


class RuleComponent:
    """Base of the rule stages: serialisation of their files through spaCy's
    `Language.to_disk`/`from_disk` (which call these with the component's own folder)."""

    rules: RuleFiles

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        self.rules.to_disk(path)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()):
        self.rules.from_disk(path)
        self.rules_changed()
        return self

    def rules_changed(self) -> None:
        """Drop anything built from the rules outside `RuleFiles.built` (e.g. matchers)."""


def lines(text: str) -> list[str]:
    """Non-empty lines of a text rule file, without `#` comments."""
    found = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            found.append(line)
    return found


def tsv_rows(text: str) -> list[dict[str, str]]:
    """Rows of a tab-separated rule file with a header line; `#` lines are comments."""
    rows = (line for line in io.StringIO(text) if line.strip() and not line.startswith("#"))
    return [
        {key: (value or "").strip() for key, value in row.items()}
        for row in csv.DictReader(rows, delimiter="\t")
    ]


def json_data(text: str) -> Any:
    return json.loads(text)
