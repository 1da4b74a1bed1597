"""Reading input files and writing output tables.

Input: folders of news text in whatever encoding Russian newsrooms used (UTF-8, cp1251, KOI8-R,
UTF-16). A file that cannot be read as text raises `InputError`, which callers turn into an error
row, so one bad file never stops a run. Text is returned exactly as decoded (only a BOM is
dropped), because every offset in the tables refers to it. News dumps (JSON Lines, CSV,
Parquet) are read row by row (`read_rows`): each row is a document with its metadata, and a row
without text or a broken line is a `Row` with its error, so the rest of the dump goes on.

Output: `ShardStore` streams a run's results to OUT as shards, one per unit of work: a Parquet
part file per table (`OUT/<table>.parquet/part-NNNNN.parquet`; `pandas.read_parquet` reads the
folder) and a commit record written last. Every file is written under a temporary name and moved
into place with `os.replace`, so a reader (or a run killed at any instant) never sees half a
file, and a shard without its record is removed by the next run. CSV and JSON Lines outputs are
single files merged from the same parts at the end of a run.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import email.utils
import functools
import hashlib
import json
import os
import re
import shutil
import stat
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import charset_normalizer
import pandas as pd
import pyarrow.parquet as pq

from .tables import COLUMNS, DTYPES, META_COLUMNS, frame

FORMATS = ("parquet", "csv", "jsonl")
# UTF-16 is told by its BOM or its NUL bytes before these are tried: asking charset-normalizer
# about it too would only let it mistake cp1251 for UTF-16.
SINGLE_BYTE = ("cp1251", "koi8_r")
# Control characters that never occur in text (tabs, line breaks and form feeds are fine).
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
MAX_NOT_TEXT = 0.01
# The most frequent Russian letters: a wrong single-byte code page turns them into rare ones.
FREQUENT = set("оеаинтсрвлкмдпуяы")
# The 60 most frequent letter pairs inside words of data/'s news (about half of all pairs there;
# under a tenth in a text decoded with the wrong code page).
# fmt: off
FREQUENT_BIGRAMS = {
    "ст", "ни", "ов", "ен", "ре", "ра", "на", "ро", "но", "пр", "то", "ко", "ос", "ан", "ес",
    "по", "ли", "та", "ер", "го", "во", "ор", "за", "не", "со", "ва", "од", "де", "ит", "ел",
    "ле", "ог", "ск", "от", "он", "ль", "ал", "ти", "ка", "ол", "ат", "ия", "тв", "те", "ав",
    "ве", "ла", "ри", "ие", "ло", "тр", "ед", "ом", "че", "ви", "ме", "ет", "ны", "ки", "ик",
}
# fmt: on
MIN_BIGRAM_SHARE = 0.25
MIN_BIGRAMS = 8  # fewer pairs (a headline like "Да.") are too few to judge by
# Non-ASCII characters of Russian text: its letters and typographic punctuation. Text decoded
# with the wrong code page (e.g. UTF-8 lines read as cp1251: "РўРѕРєР°РµРІ") is full of others.
RUSSIAN_CHARS = re.compile(r"[а-яёА-ЯЁ«»„“”‘’–—…№\u00a0\u2009\u202f]")
MIN_RUSSIAN_SHARE = 0.95
# UTF-8 with a few bad bytes (a truncated character, a stray byte): at most one bad byte per
# this many valid non-ASCII characters, else the file is not UTF-8 at all.
VALID_PER_BAD_BYTE = 4
BAD_BYTE = re.compile("[\udc80-\udcff]")  # an undecodable byte under "surrogateescape"


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
    """`replaced`: bytes that were not valid in `encoding`, each shown as U+FFFD in `text`."""

    text: str
    encoding: str
    replaced: int = 0

    @property
    def warning(self) -> str | None:
        if not self.replaced:
            return None
        return f"{self.replaced} bytes not valid {self.encoding} replaced with U+FFFD"


def find_files(inputs: list[Path], glob: str = "*.txt") -> list[InputFile]:
    """Files named directly (taken whatever their name) and files matching `glob` under folders
    (several patterns separated by commas: "*.txt,*.jsonl"), in a stable order, each path
    once. A named path that does not exist, a broken link and a folder that cannot be searched
    are kept, so that reading them reports the problem as an error row instead of the file
    silently missing from the output."""
    found: dict[Path, InputFile] = {}
    for given in inputs:
        path = Path(given).absolute()
        if path.is_dir():
            files = [InputFile(safe_str(rel), path / rel, path) for rel in _walk(path, glob)]
        else:
            files = [InputFile(safe_str(path.name), path, path.parent)]
        for file in files:
            found.setdefault(file.path, file)
    return _unique_ids(list(found.values()))


def _walk(root: Path, glob: str) -> list[str]:
    """Relative posix paths of matching files under root. Iterative (no recursion limit however
    deep the folders); symlinked folders are followed, but each real folder is visited once, so
    a link pointing back up cannot loop. A folder that cannot be listed is returned itself."""
    patterns = [pattern.strip() for pattern in glob.split(",") if pattern.strip()]
    seen: set[tuple[int, int]] = set()
    matches: list[str] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        base = PurePosixPath(folder.relative_to(root).as_posix())
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            matches.append(str(base))
            continue
        subfolders = []
        for entry in entries:
            if _is_folder(entry):
                subfolders.append(folder / entry.name)
            elif _matches(base / entry.name, patterns) and _is_file_or_broken(entry.path):
                matches.append(str(base / entry.name))
        stack.extend(reversed(subfolders))
    return sorted(matches)


def _matches(path: PurePosixPath, patterns: list[str]) -> bool:
    return any(path.match(pattern) for pattern in patterns)


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows symlinks
    except OSError:  # a link loop, a vanished entry
        return False


def _is_file_or_broken(path: str) -> bool:
    """Files and broken links (reading them reports why); not FIFOs or devices, which reading
    would hang on."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def safe_str(path: str | os.PathLike) -> str:
    """The path as text that any table, JSON or Parquet writer accepts: bytes of a file name
    that are not UTF-8 (kept by Python as lone surrogates) are shown as \\xNN escapes."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


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
    """Bytes → text: UTF-8 (a few bad bytes replaced, and counted), UTF-16 by its BOM or NUL
    bytes, else cp1251 or KOI8-R if that reads as Russian; a forced `encoding` skips detection.
    Empty and binary input, and text in no known encoding, raise InputError."""
    if not data.strip():
        raise InputError("empty file")
    decoded = _forced(data, encoding) if encoding else _detect(data)
    if not decoded.text.strip():
        raise InputError("empty file (only whitespace)")
    if not _is_text(decoded.text, decoded.replaced):
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
        pass
    return _mostly_utf8(data) or _single_byte(data)


def _mostly_utf8(data: bytes) -> DecodedText | None:
    """UTF-8 spoiled by a few bytes ("Токаев \xff\xfe посетил Астану.", a character cut at the
    end) with each bad byte replaced by U+FFFD; None when bad bytes are too many for that
    (cp1251 or KOI8-R text, where nearly every letter is one)."""
    text = data.decode("utf-8", "surrogateescape")
    bad = len(BAD_BYTE.findall(text))
    valid = sum(ord(char) > 0x7F for char in text) - bad
    if not valid or bad * VALID_PER_BAD_BYTE > valid:
        return None
    return DecodedText(BAD_BYTE.sub("\ufffd", text), "utf-8", bad)


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
        return _russian(_strict(data, encoding_name(ranked[0].encoding)))
    texts = {}
    for codec in SINGLE_BYTE:
        try:
            texts[encoding_name(codec)] = data.decode(codec)
        except UnicodeDecodeError:
            continue
    if not texts:
        raise InputError(UNKNOWN_ENCODING)
    best = max(texts, key=lambda codec: _russian_score(texts[codec]))
    return _russian(DecodedText(texts[best], best))


UNKNOWN_ENCODING = "binary file or unknown encoding (not UTF-8, UTF-16, cp1251 or KOI8-R)"


def _russian(decoded: DecodedText) -> DecodedText:
    """A single-byte decode only if it reads as Russian, never silent mojibake: its non-ASCII
    characters are Russian letters and punctuation, and its letter pairs frequent ones.
    Mixed UTF-8 and cp1251 lines fail here."""
    if not _reads_as_russian(decoded.text):
        raise InputError(f"{UNKNOWN_ENCODING}; as {decoded.encoding} it does not read as Russian")
    return decoded


def _reads_as_russian(text: str) -> bool:
    other = [char for char in text if ord(char) > 0x7F]
    if not other or len(RUSSIAN_CHARS.findall(text)) < MIN_RUSSIAN_SHARE * len(other):
        return False
    words = re.findall(r"[а-яё]+", text.lower())
    pairs = [word[index : index + 2] for word in words for index in range(len(word) - 1)]
    if len(pairs) < MIN_BIGRAMS:
        return True
    frequent = sum(pair in FREQUENT_BIGRAMS for pair in pairs)
    return frequent >= MIN_BIGRAM_SHARE * len(pairs)


def _russian_score(text: str) -> float:
    """Share of frequent letters plus share of lowercase letters among Cyrillic letters; the
    wrong code page swaps case and turns frequent letters into rare ones."""
    letters = [char for char in text if "\u0400" <= char <= "\u04ff"]
    if not letters:
        return 0.0
    frequent = sum(char.lower() in FREQUENT for char in letters)
    lower = sum(char.islower() for char in letters)
    return (frequent + lower) / len(letters)


def _is_text(text: str, replaced: int = 0) -> bool:
    """Few control characters; the `replaced` U+FFFD put in for bad bytes do not count."""
    if "\x00" in text:
        return False
    return len(NOT_TEXT.findall(text)) - replaced <= MAX_NOT_TEXT * len(text)


# ---------------------------------------------------------------------------------------------
# News dumps: JSON Lines, CSV and Parquet files of rows, one document per row
# ---------------------------------------------------------------------------------------------

DUMP_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
ROW_BATCH = 1_000  # Parquet rows decoded at a time
# strptime formats tried after ISO 8601 and RFC 2822 ("Tue, 05 Mar 2024 10:00:00 +0300")
DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d/%m/%Y", "%Y/%m/%d")
csv.field_size_limit(2**31 - 1)  # a news text is one field; the default limit is 128 KB


@dataclass(frozen=True)
class Fields:
    """Where a dump keeps a document: its text field, its id field (None: the row number within
    the file) and its metadata as (column, field) pairs (None: those of META_COLUMNS present
    under their own names)."""

    text: str = "text"
    id: str | None = None
    meta: tuple[tuple[str, str], ...] | None = None

    def meta_of(self, present: Iterable[str]) -> tuple[tuple[str, str], ...]:
        if self.meta is not None:
            return self.meta
        names = set(present)
        return tuple((column, column) for column in META_COLUMNS if column in names)


def parse_meta_fields(spec: str) -> tuple[tuple[str, str], ...]:
    """ "title,date=published_at" → (("title", "title"), ("date", "published_at")): each column
    of META_COLUMNS taken from a field of its own name or of the name after "="."""
    pairs = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        column, _, field_name = item.partition("=")
        column = column.strip()
        if column not in META_COLUMNS:
            raise ValueError(f"unknown metadata column {column!r}; expected {META_COLUMNS}")
        pairs.append((column, field_name.strip() or column))
    return tuple(pairs)


@dataclass(frozen=True)
class Row:
    """One document of a dump, read in the command's process and handed to a worker with its
    text. `doc_id` is "<file>#<id>"; `sha256` digests the text, id and metadata, so a rerun
    skips the rows it did before; `meta` holds the documents columns title, date (ISO),
    source, url. A row that cannot be a document has `error` and no text."""

    doc_id: str
    path: Path
    sha256: str | None
    text: str | None
    meta: tuple[tuple[str, str | None], ...] = ()
    encoding: str | None = None
    error: str | None = None

    @property
    def document(self) -> dict[str, str | None]:
        return dict(self.meta)


def is_dump(path: Path) -> bool:
    return Path(path).suffix.lower() in DUMP_FORMATS


def read_rows(file: InputFile, fields: Fields, encoding: str | None = None) -> Iterator[Row]:
    """The rows of a dump in file order, streamed (a 2 GB dump is never in memory at once):
    JSON Lines line by line, CSV record by record, Parquet batch by batch. A file that cannot
    be read at all is one error row under the file's own doc_id."""
    reader = {"jsonl": _jsonl_rows, "csv": _csv_rows, "parquet": _parquet_rows}
    records = reader[DUMP_FORMATS[Path(file.path).suffix.lower()]]
    codec = encoding_name(encoding) if encoding else "utf-8"
    taken: set[str] = set()
    try:
        for number, record in records(Path(file.path), codec, fields):
            yield _row(file, number, record, fields, codec, taken)
    except (OSError, InputError, ValueError, csv.Error) as error:
        message = str(error) if isinstance(error, InputError) else _problem(error)
        yield Row(file.doc_id, file.path, None, None, error=message)


def _problem(error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return "file not found"
    if isinstance(error, OSError):
        return f"cannot read file: {error.strerror or error}"
    return f"cannot read dump: {error}"


def _row(
    file: InputFile,
    number: int,
    record: dict | str,
    fields: Fields,
    codec: str,
    taken: set[str],
) -> Row:
    """A Row from one record (a dict of fields, or the error of a record that is none)."""
    if isinstance(record, str):
        return Row(_row_id(file, str(number), taken), file.path, None, None, error=record)
    raw_id = record.get(fields.id) if fields.id else None
    doc_id = _row_id(file, str(number) if _missing(raw_id) else str(raw_id), taken)
    meta = tuple(
        (column, _meta_value(column, record.get(name))) for column, name in fields.meta_of(record)
    )
    text = record.get(fields.text)
    content = json.dumps([text, raw_id, meta], ensure_ascii=False, default=str)
    sha256 = digest(content.encode("utf-8", "surrogatepass"))
    problem = _text_problem(text, fields.text)
    if problem:
        return Row(doc_id, file.path, sha256, None, meta, codec, problem)
    return Row(doc_id, file.path, sha256, text, meta, codec)


def _row_id(file: InputFile, row_id: str, taken: set[str]) -> str:
    """ "<file>#<id>"; a repeated id gets "#2", "#3"… as repeated file names do."""
    doc_id, number = f"{file.doc_id}#{row_id}", 1
    while doc_id in taken:
        number += 1
        doc_id = f"{file.doc_id}#{row_id}#{number}"
    taken.add(doc_id)
    return doc_id


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == ""


def _text_problem(text: object, name: str) -> str | None:
    if _missing(text) or (isinstance(text, str) and not text.strip()):
        return f"no text in field {name!r}"
    if not isinstance(text, str):
        return f"field {name!r} is not text ({type(text).__name__})"
    if BAD_BYTE.search(text) or "\x00" in text:
        return f"field {name!r} is not valid text (bad bytes or NUL)"
    return None


def _meta_value(column: str, value: object) -> str | None:
    if _missing(value):
        return None
    if column == "date":
        return iso_date(value)
    return safe_str(str(value))


def iso_date(value: object) -> str | None:
    """The calendar date of a dump's date field as "YYYY-MM-DD": ISO 8601 ("2024-03-05",
    "2024-03-05T10:00:00+03:00"), RFC 2822 (RSS), "05.03.2024"; None when it does not parse
    (the date as written in the source's own time zone, not converted)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    with contextlib.suppress(ValueError):
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).strftime("%Y-%m-%d")
    with contextlib.suppress(TypeError, ValueError, IndexError):
        return email.utils.parsedate_to_datetime(text).strftime("%Y-%m-%d")
    for pattern in DATE_FORMATS:
        with contextlib.suppress(ValueError):
            return dt.datetime.strptime(text, pattern).strftime("%Y-%m-%d")
    return None


def _jsonl_rows(path: Path, codec: str, fields: Fields) -> Iterator[tuple[int, dict | str]]:
    """(line number, object or error) per non-blank line."""
    with open(path, "rb") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                text = line.decode(codec)
            except UnicodeDecodeError as error:
                yield number, f"line {number}: not valid {codec}: {error.reason}"
                continue
            try:
                record = json.loads(text.removeprefix("\ufeff"))
            except ValueError as error:
                yield number, f"line {number}: broken JSON: {error}"
                continue
            yield number, record if isinstance(record, dict) else f"line {number}: not an object"


def _csv_rows(path: Path, codec: str, fields: Fields) -> Iterator[tuple[int, dict | str]]:
    """(record number, fields) per record after the header; quoted fields may span lines.
    Bytes not valid in the codec are kept as surrogates, so only the rows holding them fail."""
    codec = "utf-8-sig" if codec == "utf-8" else codec
    with open(path, encoding=codec, errors="surrogateescape", newline="") as file:
        reader = csv.DictReader(file)
        _check_columns(reader.fieldnames or [], fields)
        yield from enumerate(reader, 1)


def _check_columns(columns: Sequence[str], fields: Fields) -> None:
    """A dump without the text column is one error row, not one per row."""
    if fields.text not in columns:
        raise InputError(f"no column {fields.text!r} (columns: {', '.join(map(str, columns))})")


def _parquet_rows(path: Path, codec: str, fields: Fields) -> Iterator[tuple[int, dict | str]]:
    """(row number, fields) per row, decoded ROW_BATCH rows at a time, only the columns
    asked for."""
    dump = pq.ParquetFile(path)
    names = dump.schema_arrow.names
    _check_columns(names, fields)
    wanted = {fields.text, fields.id, *(name for _, name in fields.meta_of(names))}
    columns = [name for name in names if name in wanted]
    number = 0
    for batch in dump.iter_batches(batch_size=ROW_BATCH, columns=columns):
        for record in batch.to_pylist():
            number += 1
            yield number, record


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
    """A table of an output folder, with the contract's columns and dtypes: one file, or a
    folder of Parquet part files (read in part order)."""
    path = table_path(out_dir, table, fmt)
    if path.is_dir():
        parts = [pd.read_parquet(part) for part in part_files(path)]
        data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    elif not path.exists() and fmt == "parquet":
        data = pd.DataFrame()
    else:
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


# ---------------------------------------------------------------------------------------------
# Shards: a run's results, streamed to OUT one unit of work at a time
# ---------------------------------------------------------------------------------------------

STATE_DIR = ".ru-news"  # run state beside the tables: shard records, settings, CSV/JSONL parts
DOCS_DIR = "docs"  # --save-docs: one spaCy DocBin per shard
PART = re.compile(r"^part-(\d+)\.")
TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{32}\.tmp$")  # what `_atomic` leaves if killed mid-write


def part_name(number: int, suffix: str) -> str:
    return f"part-{number:05d}{suffix}"


def part_number(name: str) -> int | None:
    match = PART.match(name)
    return int(match.group(1)) if match else None


def part_files(folder: Path, suffix: str = ".parquet") -> list[Path]:
    """The part files of a folder in part order (temporary files are hidden: they start with
    a dot, which pyarrow skips too)."""
    numbered = [
        (number, entry)
        for entry in Path(folder).iterdir()
        if entry.name.endswith(suffix) and (number := part_number(entry.name)) is not None
    ]
    return [entry for _, entry in sorted(numbered)]


def write_part(df: pd.DataFrame, path: Path) -> None:
    _atomic(Path(path), lambda tmp: df.to_parquet(tmp, index=False))


class ShardStore:
    """The shards of an output folder. A shard is the result of one unit of work: a Parquet
    part per table, optionally a DocBin, and last its commit record
    (`.ru-news/shards/part-NNNNN.json`: the files it holds, row counts, timings). Only shards
    with a record count; anything else is the debris of a killed run and `clean` removes it."""

    def __init__(self, out: Path, fmt: str):
        self.out = Path(out)
        self.format = fmt
        self.state = self.out / STATE_DIR
        self.records_dir = self.state / "shards"
        self.docs_dir = self.out / DOCS_DIR

    def parts_dir(self, table: str, fmt: str | None = None) -> Path:
        """Parquet parts are the output itself (OUT/<table>.parquet/); CSV and JSON Lines are
        merged into one file from parts kept in the state folder."""
        if (fmt or self.format) == "parquet":
            return table_path(self.out, table, "parquet")
        return self.state / "parts" / table

    def record_path(self, number: int) -> Path:
        return self.records_dir / part_name(number, ".json")

    def records(self) -> list[dict]:
        """Commit records of the finished shards, in shard order."""
        if not self.records_dir.is_dir():
            return []
        records = []
        for path in part_files(self.records_dir, ".json"):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # never half-written (atomic), but a user may have touched it
            if isinstance(record, dict) and isinstance(record.get("files"), list):
                records.append({**record, "shard": part_number(path.name)})
        return records

    def _folders(self) -> list[Path]:
        tables = [self.parts_dir(table) for table in COLUMNS]
        return [folder for folder in [*tables, self.docs_dir] if folder.is_dir()]

    def clean(self) -> None:
        """Remove temporary files and parts of shards that were never committed."""
        committed = {record["shard"] for record in self.records()}
        for folder in [self.out, self.records_dir, self.state, *self._folders()]:
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                number = part_number(entry.name)
                orphan = folder not in (self.out, self.state, self.records_dir) and (
                    number is not None and number not in committed
                )
                if (TEMPORARY.match(entry.name) and entry.is_file()) or orphan:
                    entry.unlink(missing_ok=True)

    def next_number(self) -> int:
        numbers = [record["shard"] for record in self.records()]
        for folder in self._folders():
            numbers.extend(part_number(entry.name) or 0 for entry in folder.iterdir())
        return max(numbers, default=-1) + 1

    def commit(
        self, number: int, tables: dict[str, pd.DataFrame], record: dict, docs: bytes | None
    ) -> None:
        """Write a shard: its parts first, its record last (the commit)."""
        for table, df in tables.items():
            folder = self.parts_dir(table)
            folder.mkdir(parents=True, exist_ok=True)
            write_part(df[COLUMNS[table]], folder / part_name(number, ".parquet"))
        if docs is not None:
            self.docs_dir.mkdir(parents=True, exist_ok=True)
            target = self.docs_dir / part_name(number, ".spacy")
            _atomic(target, lambda tmp: tmp.write_bytes(docs))
        self.records_dir.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.record_path(number), {**record, "shard": number})

    def remove_shard(self, number: int) -> None:
        """Record first: a crash halfway leaves uncommitted parts, which `clean` removes."""
        self.record_path(number).unlink(missing_ok=True)
        for folder in self._folders():
            for entry in folder.iterdir():
                if part_number(entry.name) == number:
                    entry.unlink(missing_ok=True)

    def prune(self, doc_ids: set[str]) -> None:
        """Drop these documents' rows and file records from the committed shards (they are
        about to be processed again). A shard's DocBin is dropped with them (its other files
        are redone when docs are asked for again)."""
        for record in self.records():
            number = record["shard"]
            keep = [file for file in record["files"] if file.get("doc_id") not in doc_ids]
            if len(keep) == len(record["files"]):
                continue
            if not keep:
                self.remove_shard(number)
                continue
            counts = {}
            for table in COLUMNS:
                path = self.parts_dir(table) / part_name(number, ".parquet")
                df = pd.read_parquet(path) if path.exists() else frame(table, [])
                df = df[~df["doc_id"].isin(doc_ids)].reset_index(drop=True)
                write_part(df, path)
                counts[table] = len(df)
            (self.docs_dir / part_name(number, ".spacy")).unlink(missing_ok=True)
            updated = {**record, "files": keep, "counts": counts, "docs": False}
            write_json_atomic(self.record_path(number), updated)

    def shard_tables(self, tables: Iterable[str]) -> Iterator[dict[str, pd.DataFrame]]:
        """These tables shard by shard (a document's rows are all in one shard)."""
        for record in self.records():
            name = part_name(record["shard"], ".parquet")
            yield {
                table: read_part(table, path)
                if (path := self.parts_dir(table) / name).exists()
                else frame(table, [])
                for table in tables
            }

    def adopt(self, old_format: str) -> None:
        """Keep an earlier run's shards when only the output format changed: move its parts
        where this format keeps them and remove its merged files."""
        for table in COLUMNS:
            source, target = self.parts_dir(table, old_format), self.parts_dir(table)
            if source != target and source.is_dir():
                _remove_parts(target)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
            if old_format != "parquet":
                table_path(self.out, table, old_format).unlink(missing_ok=True)

    def reset(self) -> None:
        """Remove every table, shard, DocBin and state file of earlier runs (ours only: files
        named like parts, the tables' own names and the state folder)."""
        for table in COLUMNS:
            for fmt in FORMATS:
                path = table_path(self.out, table, fmt)
                if path.is_dir():
                    _remove_parts(path)
                elif path.is_file():
                    path.unlink()
        _remove_parts(self.docs_dir)
        if self.state.is_dir():
            shutil.rmtree(self.state)

    def export(self) -> None:
        """CSV / JSON Lines: merge each table's parts into OUT/<table>.<fmt>, streaming one
        part at a time, replaced atomically. Parquet needs nothing: the parts are the output."""
        if self.format == "parquet":
            return
        for table in COLUMNS:
            folder = self.parts_dir(table)
            parts = part_files(folder) if folder.is_dir() else []
            target = table_path(self.out, table, self.format)
            _atomic(target, functools.partial(self._merge, table, parts))

    def _merge(self, table: str, parts: list[Path], tmp: Path) -> None:
        frames = (read_part(table, part) for part in parts) if parts else iter([frame(table, [])])
        with open(tmp, "w", encoding="utf-8", newline="") as file:
            for index, df in enumerate(frames):
                if self.format == "csv":
                    df.to_csv(file, index=False, header=index == 0)
                elif len(df):
                    text = df.to_json(orient="records", lines=True, force_ascii=False)
                    file.write(text if text.endswith("\n") else text + "\n")


def read_part(table: str, path: Path) -> pd.DataFrame:
    data = pd.read_parquet(path)
    columns = COLUMNS[table]
    return data[columns].astype({column: DTYPES[column] for column in columns})


def _remove_parts(folder: Path) -> None:
    """Part and temporary files of one of our folders, then the folder if that emptied it."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if part_number(entry.name) is not None or TEMPORARY.match(entry.name):
            entry.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # something else lives there: leave it
        folder.rmdir()


def read_docs(out_dir: Path, vocab) -> Iterator:
    """The docs saved with `--save-docs`, shard by shard: spaCy Docs with every layer and
    `doc._.doc_id` / `doc._.path`. A document longer than the slice size comes as several
    docs whose `doc.user_data["ru_news.offset"]` is where each starts in the original text."""
    from spacy.tokens import DocBin

    folder = Path(out_dir) / DOCS_DIR
    for path in part_files(folder, ".spacy") if folder.is_dir() else []:
        yield from DocBin().from_bytes(path.read_bytes()).get_docs(vocab)


def iter_tables(out_dir: Path, table: str, fmt: str = "parquet") -> Iterable[pd.DataFrame]:
    """A table part by part (bounded memory over a large output)."""
    folder = table_path(out_dir, table, fmt)
    if folder.is_dir():
        for part in part_files(folder):
            yield read_part(table, part)
    else:
        yield read_table(out_dir, table, fmt)
