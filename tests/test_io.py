"""Reading input (encodings, bad files, folder walks) and atomic table writing."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pandas as pd
import pytest

from pipeline import io
from pipeline.io import (
    FORMATS,
    Fields,
    InputError,
    InputFile,
    decode,
    find_files,
    iso_date,
    parse_meta_fields,
    read_rows,
    read_table,
    read_text,
    write_json_atomic,
    write_table,
)
from pipeline.tables import COLUMNS, DTYPES, frame

# KOI8-R has no «», so plain quotes; "\r\n" must survive decoding untouched (offsets use it).
PARAGRAPH = (
    "Президент Казахстана Касым-Жомарт Токаев прибыл в Душанбе с государственным визитом.\r\n"
    'Стороны подписали договор о союзнических отношениях, сообщает "Акорда".\n'
    "Объем взаимной торговли планируется довести до 2 млрд долларов."
)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


@pytest.mark.parametrize(
    ("codec", "reported"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("cp1251", "cp1251"),
        ("koi8-r", "koi8-r"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, codec: str, reported: str):
    path = tmp_path / "news.txt"
    path.write_bytes(PARAGRAPH.encode(codec))
    decoded = read_text(path)
    assert decoded.text == PARAGRAPH
    assert decoded.encoding == reported


@pytest.mark.parametrize("codec", ["cp1251", "koi8-r"])
@pytest.mark.parametrize("headline", ["Да.", "Привет, мир!", "ТАСС сообщает"])
def test_short_single_byte_texts(codec: str, headline: str):
    """Too short for charset-normalizer to decide: the letters decide."""
    assert decode(headline.encode(codec)) == decode(headline.encode(codec), codec)
    assert decode(headline.encode(codec)).text == headline


TOKAEV_SPOILT = "Токаев ".encode() + b"\xff\xfe" + " посетил Астану.".encode()


@pytest.mark.parametrize(
    ("data", "text", "replaced"),
    [
        (TOKAEV_SPOILT, "Токаев \ufffd\ufffd посетил Астану.", 2),
        (PARAGRAPH.encode()[:-1] + "й".encode()[:1], PARAGRAPH[:-1] + "\ufffd", 1),
        ("Путин прибыл в Казань.".encode()[:-2], "Путин прибыл в Казан\ufffd", 1),
    ],
    ids=["stray-bytes", "truncated-at-end", "cut-character"],
)
def test_utf8_with_a_few_bad_bytes_is_kept_with_a_warning(data: bytes, text: str, replaced: int):
    decoded = decode(data)
    assert (decoded.text, decoded.encoding, decoded.replaced) == (text, "utf-8", replaced)
    assert decoded.warning == f"{replaced} bytes not valid utf-8 replaced with U+FFFD"
    assert decode(PARAGRAPH.encode()).warning is None


@pytest.mark.parametrize(
    "data",
    [
        PARAGRAPH.encode() + b"\n" + PARAGRAPH.encode("cp1251"),
        PARAGRAPH.encode("cp1251")
        + b"\n"
        + PARAGRAPH.encode()
        + b"\n"
        + PARAGRAPH.encode("cp1251"),
        "Příliš žluťoučký kůň úpěl ďábelské ódy; děti si hrály na zahradě.".encode("cp1250"),
    ],
    ids=["utf8-then-cp1251", "cp1251-utf8-cp1251", "czech-cp1250"],
)
def test_single_byte_text_that_does_not_read_as_russian_is_refused(data: bytes):
    """Half the lines would be mojibake: an error row, never silently wrong text."""
    with pytest.raises(InputError, match="does not read as Russian"):
        decode(data)


def test_forced_encoding_overrides_detection():
    data = PARAGRAPH.encode("cp1251")
    assert decode(data, "koi8_r").encoding == "koi8-r"
    assert decode(data, "koi8_r").text != PARAGRAPH
    with pytest.raises(InputError, match="cannot decode as utf-8"):
        decode(data, "utf-8")


@pytest.mark.parametrize("data", [b"", b" \r\n\t ", " \n".encode("utf-16")])
def test_empty_file(tmp_path: Path, data: bytes):
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match="^empty file"):
        read_text(path)


@pytest.mark.parametrize(
    "data",
    [
        PNG + bytes(range(256)),
        random.Random(1).randbytes(4000),
        random.Random(2).randbytes(4000).replace(b"\x00", b"x"),
        bytes(64),
    ],
    ids=["png", "random", "random-without-nul", "zeros"],
)
def test_binary_file(tmp_path: Path, data: bytes):
    path = tmp_path / "image.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match="^binary file"):
        read_text(path)


def test_unreadable_paths(tmp_path: Path):
    assert issubclass(InputError, ValueError)
    with pytest.raises(InputError, match="file not found"):
        read_text(tmp_path / "gone.txt")
    with pytest.raises(InputError, match="folder"):
        read_text(tmp_path)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """root/{a.txt, b/c.txt, b/d.md, b/loop → root, b/more → ../outside}, outside/e.txt"""
    root = tmp_path / "root"
    (root / "b").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    for path in (root / "a.txt", root / "b" / "c.txt", root / "b" / "d.md"):
        path.write_text(path.name, encoding="utf-8")
    (tmp_path / "outside" / "e.txt").write_text("e", encoding="utf-8")
    (root / "b" / "loop").symlink_to(root, target_is_directory=True)
    (root / "b" / "more").symlink_to(tmp_path / "outside", target_is_directory=True)
    return root


def test_find_files_walks_folders_once_in_order(tree: Path):
    files = find_files([tree])
    assert [file.doc_id for file in files] == ["a.txt", "b/c.txt", "b/more/e.txt"]
    assert all(file.root == tree and file.path == tree / file.doc_id for file in files)
    assert find_files([tree]) == files


def test_find_files_glob_direct_files_and_duplicates(tree: Path, tmp_path: Path):
    assert [file.doc_id for file in find_files([tree], glob="*.md")] == ["b/d.md"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_text("другой", encoding="utf-8")
    files = find_files([tree / "b" / "d.md", tree, other, tmp_path / "missing.txt"], "a.txt")
    assert [file.doc_id for file in files] == ["d.md", "a.txt", "a.txt#2", "missing.txt"]
    assert files[2].path == other / "a.txt"
    assert files[3].path == tmp_path / "missing.txt"


def test_find_files_takes_each_path_once(tree: Path):
    assert [file.doc_id for file in find_files([tree, tree / "a.txt"])] == [
        "a.txt",
        "b/c.txt",
        "b/more/e.txt",
    ]


def test_unsearchable_folders_and_broken_links_become_errors(tree: Path, monkeypatch):
    (tree / "b" / "dangling.txt").symlink_to(tree / "nowhere.txt")
    locked = tree / "locked"
    locked.mkdir()
    scandir = os.scandir

    def refuse_locked(path="."):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse_locked)
    files = {file.doc_id: file for file in find_files([tree])}
    assert {"b/dangling.txt", "locked"} <= set(files)
    with pytest.raises(InputError, match="file not found"):
        read_text(files["b/dangling.txt"].path)
    with pytest.raises(InputError, match="cannot search folder: Permission denied"):
        read_text(files["locked"].path)


def sample(table: str) -> pd.DataFrame:
    """Two rows with a value of every dtype, the second with a null."""
    values = {"string": "Токаев", "Int64": 7, "Float64": 2e9}
    row = {column: values[DTYPES[column]] for column in COLUMNS[table]}
    return frame(table, [row, {**row, COLUMNS[table][-1]: None}])


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_table_round_trips_and_leaves_no_temp_files(tmp_path: Path, fmt: str):
    for table in COLUMNS:
        write_table(sample(table), tmp_path, table, fmt)
        write_table(sample(table), tmp_path, table, fmt)  # replacing an existing file
        pd.testing.assert_frame_equal(read_table(tmp_path, table, fmt), sample(table))
    assert sorted(os.listdir(tmp_path)) == sorted(f"{table}.{fmt}" for table in COLUMNS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_tables_round_trip(tmp_path: Path, fmt: str):
    write_table(frame("quotes", []), tmp_path, "quotes", fmt)
    pd.testing.assert_frame_equal(read_table(tmp_path, "quotes", fmt), frame("quotes", []))


def test_failed_write_keeps_the_old_file_and_no_temp_file(tmp_path: Path):
    write_table(sample("documents"), tmp_path, "documents", "parquet")
    unwritable = pd.DataFrame({"doc_id": [object()]})
    with pytest.raises(Exception, match="object"):
        write_table(unwritable, tmp_path, "documents", "parquet")
    assert os.listdir(tmp_path) == ["documents.parquet"]
    assert len(read_table(tmp_path, "documents", "parquet")) == 2


def test_write_json_atomic(tmp_path: Path):
    path = tmp_path / "manifest.json"
    write_json_atomic(path, {"name": "Токаев"})
    write_json_atomic(path, {"name": "Рахмон"})
    assert json.loads(path.read_text(encoding="utf-8")) == {"name": "Рахмон"}
    assert "Рахмон" in path.read_text(encoding="utf-8")
    assert os.listdir(tmp_path) == ["manifest.json"]


# ---------------------------------------------------------------------------------------------
# News dumps: a document per row
# ---------------------------------------------------------------------------------------------


def dump_rows(path: Path, **fields) -> list:
    return list(read_rows(InputFile(path.name, path, path.parent), Fields(**fields)))


def write_jsonl(path: Path, lines: list) -> Path:
    text = "".join(
        (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
        for line in lines
    )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T23:30:00+03:00", "2024-03-05"),
        ("2024-03-05T10:00:00Z", "2024-03-05"),
        ("Tue, 05 Mar 2024 10:00:00 +0300", "2024-03-05"),
        ("05.03.2024", "2024-03-05"),
        ("05.03.2024 14:20", "2024-03-05"),
        (pd.Timestamp("2024-03-05 10:00"), "2024-03-05"),
        ("вчера", None),
        ("2024-13-45", None),
    ],
)
def test_iso_date(value, expected):
    assert iso_date(value) == expected


def test_jsonl_rows_with_metadata_ids_and_errors(tmp_path: Path):
    path = write_jsonl(
        tmp_path / "news.jsonl",
        [
            {"text": "Путин прибыл в Казань.", "title": "Визит", "date": "2024-03-05", "url": "u"},
            "",
            {"text": "", "date": "2024-03-06"},
            "{broken",
            ["not", "an", "object"],
            {"text": "Токаев прибыл в Душанбе.", "date": "вчера", "source": "ТАСС"},
        ],
    )
    rows = dump_rows(path)
    assert [row.doc_id for row in rows] == [f"news.jsonl#{n}" for n in (1, 3, 4, 5, 6)]
    first, empty, broken, array, last = rows
    assert first.text == "Путин прибыл в Казань." and first.error is None
    assert first.document == {"title": "Визит", "date": "2024-03-05", "url": "u"}
    assert empty.error == "no text in field 'text'" and empty.document == {"date": "2024-03-06"}
    assert broken.error.startswith("line 4: broken JSON") and broken.text is None
    assert array.error == "line 5: not an object"
    assert last.document == {"date": None, "source": "ТАСС"}  # unparsed dates are null


def test_id_field_repeated_ids_and_chosen_metadata(tmp_path: Path):
    path = write_jsonl(
        tmp_path / "news.jsonl",
        [
            {"body": "Первый текст.", "uid": "a", "published": "2024-01-02", "title": "T"},
            {"body": "Второй текст.", "uid": "a", "published": "2024-01-03"},
            {"body": "Третий текст.", "published": "2024-01-04"},
        ],
    )
    fields = {"text": "body", "id": "uid", "meta": parse_meta_fields("date=published")}
    rows = dump_rows(path, **fields)
    assert [row.doc_id for row in rows] == ["news.jsonl#a", "news.jsonl#a#2", "news.jsonl#3"]
    assert [row.document for row in rows] == [{"date": f"2024-01-0{n}"} for n in (2, 3, 4)]


def test_row_digests_change_with_the_row_only(tmp_path: Path):
    lines = [{"text": f"Текст номер {n}.", "date": "2024-01-02"} for n in range(3)]
    before = [row.sha256 for row in dump_rows(write_jsonl(tmp_path / "a.jsonl", lines))]
    lines[1]["text"] = "Другой текст."
    after = [row.sha256 for row in dump_rows(write_jsonl(tmp_path / "a.jsonl", lines))]
    assert before[0] == after[0] and before[2] == after[2] and before[1] != after[1]


def test_csv_rows_with_multiline_fields_and_bad_bytes(tmp_path: Path):
    path = tmp_path / "news.csv"
    path.write_bytes(
        b"text,date,source\n"
        + '"Путин прибыл в Казань.\nВторой абзац, с запятой.",2024-03-05,ТАСС\n'.encode()
        + b"\xcf\xf3\xf2\xe8\xed,2024-03-06,x\n"  # cp1251 bytes in a UTF-8 file
        + b",2024-03-07,y\n"
    )
    rows = dump_rows(path)
    assert [row.doc_id for row in rows] == ["news.csv#1", "news.csv#2", "news.csv#3"]
    assert rows[0].text == "Путин прибыл в Казань.\nВторой абзац, с запятой."
    assert rows[0].document == {"date": "2024-03-05", "source": "ТАСС"}
    assert "not valid text" in rows[1].error and rows[2].error == "no text in field 'text'"


def test_parquet_rows_read_in_batches(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(io, "ROW_BATCH", 2)
    data = pd.DataFrame(
        {
            "text": [f"Новость {n}." for n in range(5)],
            "date": pd.to_datetime([f"2024-01-0{n + 1}" for n in range(5)]),
            "title": ["t"] * 5,
            "image": [b"\x00" * 10] * 5,
        }
    )
    data.to_parquet(tmp_path / "news.parquet", row_group_size=3)
    rows = dump_rows(tmp_path / "news.parquet")
    assert [row.text for row in rows] == data["text"].tolist()
    assert rows[4].document == {"title": "t", "date": "2024-01-05"}


@pytest.mark.parametrize("name", ["news.csv", "news.parquet"])
def test_a_dump_without_its_text_column_is_one_error_row(tmp_path: Path, name: str):
    data = pd.DataFrame({"body": ["Текст."] * 3})
    path = tmp_path / name
    data.to_csv(path, index=False) if name.endswith(".csv") else data.to_parquet(path)
    (row,) = dump_rows(path)
    assert (row.doc_id, row.text) == (name, None)
    assert row.error == "no column 'text' (columns: body)"


@pytest.mark.parametrize("spec", ["title,author", "date=published,когда"])
def test_unknown_metadata_columns_are_refused(spec: str):
    with pytest.raises(ValueError, match="unknown metadata column"):
        parse_meta_fields(spec)
