"""Reading input files and writing output tables.

Input: folders of news text in whatever encoding Russian newsrooms used (UTF-8, cp1251, KOI8-R,
UTF-16). A file that cannot be read as text raises `InputError`, which callers turn into an error
row, so one bad file never stops a run. Text is returned exactly as decoded (only a BOM is
dropped), because every offset in the tables refers to it.

Output: each table is written to a temporary file beside its target and moved into place with
`os.replace`, so a reader (or a crashed run) never sees half a table.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import charset_normalizer
import pandas as pd

from .tables import COLUMNS, DTYPES, frame

FORMATS = ("parquet", "csv", "jsonl")
# UTF-16 is told by its BOM or its NUL bytes before these are tried: asking charset-normalizer
# about it too would only let it mistake cp1251 for UTF-16.
SINGLE_BYTE = ("cp1251", "koi8_r")
# Control characters that never occur in text (tabs, line breaks and form feeds are fine).
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
MAX_NOT_TEXT = 0.01
# The most frequent Russian letters: a wrong single-byte code page turns them into rare ones.
FREQUENT = set("оеаинтсрвлкмдпуяы")


class InputError(ValueError):
    """A file that is not usable text; the message is shown to users as the document's error."""


@dataclass(frozen=True)
class InputFile:
    """One input document: `doc_id` is its path relative to the input it was found under."""

    doc_id: str
    path: Path
    root: Path


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def find_files(inputs: list[Path], glob: str = "*.txt") -> list[InputFile]:
    """Files named directly (taken whatever their name) and files matching `glob` under folders,
    in a stable order, each path once. A named path that does not exist, a broken link and a
    folder that cannot be searched are kept, so that reading them reports the problem as an
    error row instead of the file silently missing from the output."""
    found: dict[Path, InputFile] = {}
    for given in inputs:
        path = Path(given).absolute()
        if path.is_dir():
            files = [InputFile(rel, path / rel, path) for rel in _walk(path, glob)]
        else:
            files = [InputFile(path.name, path, path.parent)]
        for file in files:
            found.setdefault(file.path, file)
    return _unique_ids(list(found.values()))


def _walk(root: Path, glob: str) -> list[str]:
    """Relative posix paths of matching files under root; symlinked folders are followed, but
    each real folder is visited once, so a link pointing back up cannot loop."""
    seen: set[str] = set()
    unsearchable: list[OSError] = []
    matches = []
    for folder, dirnames, filenames in os.walk(root, onerror=unsearchable.append, followlinks=True):
        seen.add(os.path.realpath(folder))
        dirnames[:] = sorted(
            name for name in dirnames if os.path.realpath(os.path.join(folder, name)) not in seen
        )
        base = PurePosixPath(Path(folder).relative_to(root).as_posix())
        for name in filenames:
            path = os.path.join(folder, name)
            # files and broken links; not FIFOs or devices, which reading would hang on
            if (base / name).match(glob) and (os.path.isfile(path) or not os.path.exists(path)):
                matches.append(str(base / name))
    matches.extend(Path(error.filename).relative_to(root).as_posix() for error in unsearchable)
    return sorted(matches)


def _unique_ids(files: list[InputFile]) -> list[InputFile]:
    """The first file keeps its doc_id; later ones with the same id get "#2", "#3"…"""
    taken: set[str] = set()
    unique = []
    for file in files:
        doc_id, number = file.doc_id, 1
        while doc_id in taken:
            number += 1
            doc_id = f"{file.doc_id}#{number}"
        taken.add(doc_id)
        unique.append(InputFile(doc_id, file.path, file.root))
    return unique


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or an InputError that says why they cannot be had."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("file not found") from None
    except IsADirectoryError:
        raise InputError(_folder_problem(Path(path))) from None
    except PermissionError:
        raise InputError("cannot read file: permission denied") from None
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror or error}") from None


def _folder_problem(path: Path) -> str:
    """Folders reach here when named directly or when they could not be searched."""
    try:
        with os.scandir(path):
            pass
    except OSError as error:
        return f"cannot search folder: {error.strerror or error}"
    return "is a folder, not a file"


def read_text(path: Path, encoding: str | None = None) -> DecodedText:
    """The file's text and the encoding it was decoded with (forced, or detected)."""
    return decode(read_bytes(path), encoding)


def decode(data: bytes, encoding: str | None = None) -> DecodedText:
    """Bytes → text: strict UTF-8, UTF-16 by its BOM, else cp1251 or KOI8-R; a forced
    `encoding` skips detection. Empty and binary input raise InputError."""
    if not data.strip():
        raise InputError("empty file")
    decoded = _forced(data, encoding) if encoding else _detect(data)
    if not decoded.text.strip():
        raise InputError("empty file (only whitespace)")
    if not _is_text(decoded.text):
        raise InputError("binary file, not text (control characters after decoding)")
    return decoded


def encoding_name(encoding: str) -> str:
    """Python's canonical codec name ("koi8_r" → "koi8-r"); LookupError for unknown ones."""
    return codecs.lookup(encoding).name


def _forced(data: bytes, encoding: str) -> DecodedText:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(f"cannot decode as {encoding}: {error.reason}") from None
    return DecodedText(text.removeprefix("\ufeff"), encoding_name(encoding))


def _detect(data: bytes) -> DecodedText:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16")
    if b"\x00" in data:  # never in UTF-8 or single-byte text (and UTF-16 Cyrillic is valid UTF-8)
        return _bomless_utf16(data)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return _single_byte(data)


def _strict(data: bytes, codec: str) -> DecodedText:
    try:
        return DecodedText(data.decode(codec), codec)
    except UnicodeDecodeError as error:
        raise InputError(f"invalid {codec}: {error.reason}") from None


def _bomless_utf16(data: bytes) -> DecodedText:
    """UTF-16 without a BOM has its NUL bytes (the high bytes of ASCII characters) all on odd
    positions (little-endian) or all on even ones (big-endian); anything else is binary."""
    odd = data[1::2].count(0)
    even = data[0::2].count(0)
    codec = "utf-16-le" if odd and not even else "utf-16-be" if even and not odd else None
    if codec and len(data) % 2 == 0:
        try:
            return DecodedText(data.decode(codec), codec)
        except UnicodeDecodeError:
            pass
    raise InputError("binary file, not text (contains NUL bytes)")


def _single_byte(data: bytes) -> DecodedText:
    """cp1251 or KOI8-R: charset-normalizer's verdict when it has a clear one; short texts,
    where it often has none, are judged by how Russian the letters look (cp1251 on a tie)."""
    ranked = sorted(
        charset_normalizer.from_bytes(data, cp_isolation=list(SINGLE_BYTE)),
        key=lambda match: (match.chaos, -match.coherence),
    )
    if ranked and (
        len(ranked) == 1
        or (ranked[0].chaos, ranked[0].coherence) != (ranked[1].chaos, ranked[1].coherence)
    ):
        return _strict(data, encoding_name(ranked[0].encoding))
    texts = {}
    for codec in SINGLE_BYTE:
        try:
            texts[encoding_name(codec)] = data.decode(codec)
        except UnicodeDecodeError:
            continue
    if not texts:
        raise InputError("binary file or unknown encoding (not UTF-8, UTF-16, cp1251 or KOI8-R)")
    best = max(texts, key=lambda codec: _russian_score(texts[codec]))
    return DecodedText(texts[best], best)


def _russian_score(text: str) -> float:
    """Share of frequent letters plus share of lowercase letters among Cyrillic letters; the
    wrong code page swaps case and turns frequent letters into rare ones."""
    letters = [char for char in text if "\u0400" <= char <= "\u04ff"]
    if not letters:
        return 0.0
    frequent = sum(char.lower() in FREQUENT for char in letters)
    lower = sum(char.islower() for char in letters)
    return (frequent + lower) / len(letters)


def _is_text(text: str) -> bool:
    if "\x00" in text:
        return False
    return len(NOT_TEXT.findall(text)) <= MAX_NOT_TEXT * len(text)


def digest(data: bytes) -> str:
    """SHA-256 hex digest: what the manifest records to tell a changed file from a done one."""
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    """Digest of the file's bytes, None if it cannot be read."""
    try:
        return digest(Path(path).read_bytes())
    except OSError:
        return None


def table_path(out_dir: Path, table: str, fmt: str) -> Path:
    return Path(out_dir) / f"{table}.{fmt}"


def write_table(df: pd.DataFrame, out_dir: Path, table: str, fmt: str) -> Path:
    """OUT/<table>.<fmt>, replaced atomically."""
    target = table_path(out_dir, table, fmt)
    _atomic(target, lambda tmp: WRITERS[fmt](df, tmp))
    return target


def read_table(out_dir: Path, table: str, fmt: str) -> pd.DataFrame:
    """A table written by `write_table`, with the contract's columns and dtypes."""
    path = table_path(out_dir, table, fmt)
    data = READERS[fmt](path)
    if data.empty and not len(data.columns):
        return frame(table, [])
    columns = COLUMNS[table]
    return data[columns].astype({column: DTYPES[column] for column in columns})


def write_json_atomic(path: Path, obj: object) -> None:
    """JSON (UTF-8, readable Cyrillic), replaced atomically."""
    text = json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
    _atomic(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _atomic(target: Path, write: Callable[[Path], object]) -> None:
    """Write to a temporary file in the target's folder (same file system, so the rename is
    atomic), then move it over the target; the temporary file never outlives a failure. Not
    `mkstemp`: its files are private (0600), tables should get the user's usual permissions."""
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _write_jsonl(df: pd.DataFrame, path: Path) -> None:
    df.to_json(path, orient="records", lines=True, force_ascii=False)


def _read_jsonl(path: Path) -> pd.DataFrame:
    if not path.stat().st_size:
        return pd.DataFrame()
    return pd.read_json(path, lines=True, dtype=False)


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype="string")


WRITERS: dict[str, Callable[[pd.DataFrame, Path], object]] = {
    "parquet": lambda df, path: df.to_parquet(path, index=False),
    "csv": lambda df, path: df.to_csv(path, index=False),
    "jsonl": _write_jsonl,
}
READERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    "parquet": pd.read_parquet,
    "csv": _read_csv,
    "jsonl": _read_jsonl,
}
