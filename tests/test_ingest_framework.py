"""The ingest framework, exercised through a minimal format (tests/minimal_format.py).

Everything format-independent is checked here: sources (compression, folders, zips), line
numbering, rejects, strict mode, transactions, idempotent reloads and provenance.
"""

from __future__ import annotations

import bz2
import gzip
import json
import zipfile

import pytest
import zstandard

import workbench as wb
from workbench.errors import EmptyExportError, ExportFormatError, StrictModeError, UnknownFormatError
from workbench.ingest import formats

import minimal_format


@pytest.fixture(autouse=True)
def mini_format(monkeypatch):
    monkeypatch.setitem(formats.FORMATS, "mini", minimal_format)
    monkeypatch.setattr(formats, "DETECTION_ORDER", ["mini", *formats.DETECTION_ORDER])


def record(i, author="a", to="b", **extra):
    return json.dumps({"mini": 1, "id": f"p{i}", "author": author, "to": to, "at": f"2024-01-0{1 + i % 9}T00:00:00Z",
                       **extra})


GOOD = [record(1), record(2, "b", "c"), record(3, "c", None)]
TEXT = "\n".join(GOOD) + "\n"


def write(path, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    if path.suffix == ".gz":
        data = gzip.compress(data)
    elif path.suffix == ".zst":
        data = zstandard.ZstdCompressor().compress(data)
    elif path.suffix == ".bz2":
        data = bz2.compress(data)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst", ".jsonl.bz2"])
def test_every_compression_loads_the_same(store, tmp_path, suffix):
    report = wb.load(store, write(tmp_path / f"x{suffix}", TEXT))
    assert (report.records_read, report.records_loaded, report.records_rejected) == (3, 3, 0)
    assert store.counts()["posts"] == 3
    # p3 has no target: unresolved, no row
    assert store.counts()["interactions"] == 2
    assert report.unresolved == 1
    assert store.scalar("SELECT unresolved FROM loads") == 1


def test_line_numbers_count_blank_lines_crlf_and_bom(store, tmp_path):
    text = "\ufeff" + GOOD[0] + "\r\n\r\n" + "{not json\r\n" + "\n" + json.dumps({"mini": 1}) + "\n" + GOOD[1]
    report = wb.load(store, write(tmp_path / "x.jsonl", text))
    rejects = store.sql("SELECT line_no, reason, raw FROM rejects ORDER BY line_no").fetchall()
    assert rejects == [(3, "invalid JSON", "{not json"), (5, "missing id", '{"mini": 1}')]
    assert (report.records_read, report.records_loaded, report.records_rejected) == (4, 2, 2)
    assert store.scalar("SELECT count(*) FROM posts") == 2


def test_invalid_utf8_line_is_rejected_alone(store, tmp_path):
    data = (GOOD[0] + "\n").encode() + b'{"mini": 1, "id": "bad\xff"}\n' + (GOOD[1] + "\n").encode()
    report = wb.load(store, write(tmp_path / "x.jsonl", data))
    assert store.sql("SELECT line_no, reason FROM rejects").fetchall() == [(2, "invalid UTF-8 at byte 22 of the line")]
    assert report.records_loaded == 2 and report.records_rejected == 1


def test_nul_byte_line_is_a_reject_not_a_crash(store, tmp_path):
    data = (GOOD[0] + "\n").encode() + b'{"mini": 1, \x00 "id": "x"}\n'
    report = wb.load(store, write(tmp_path / "x.jsonl", data))
    assert report.records_rejected == 1
    assert store.scalar("SELECT line_no FROM rejects") == 2


def test_reloading_the_same_file_changes_nothing(store, tmp_path):
    path = write(tmp_path / "x.jsonl", TEXT + "{oops\n")
    first = wb.load(store, path)
    before = store.counts()
    again = wb.load(store, path)
    assert store.counts() == before
    assert again.files[0].already_loaded_as == first.files[0].load_id
    assert again.records_rejected == 1  # still read and validated


def test_strict_mode_loads_nothing_and_names_file_and_line(store, tmp_path):
    path = write(tmp_path / "x.jsonl", TEXT + "{oops\n")
    with pytest.raises(StrictModeError, match=r"x.jsonl line 4: invalid JSON \(strict mode"):
        wb.load(store, path, strict=True)
    counts = store.counts()
    assert counts["posts"] == counts["accounts"] == counts["interactions"] == counts["rejects"] == 0
    assert store.sql("SELECT status FROM loads").fetchall() == [("failed",)]
    # the clean part of the data is still loadable afterwards, strict mode or not
    wb.load(store, write(tmp_path / "clean.jsonl", TEXT), strict=True)
    assert store.counts()["posts"] == 3


def test_a_failing_load_leaves_earlier_data_untouched(store, tmp_path):
    wb.load(store, write(tmp_path / "a.jsonl", TEXT))
    before = store.counts()
    bad = write(tmp_path / "b.jsonl", record(7, "x", "y") + "\n" + record(8, explode=True) + "\n")
    with pytest.raises(ExportFormatError, match="boom at line 2"):
        wb.load(store, bad)
    after = store.counts()
    assert {k: v for k, v in after.items() if k != "loads"} == {k: v for k, v in before.items() if k != "loads"}
    assert store.sql("SELECT status, message LIKE '%boom%' FROM loads ORDER BY load_id").fetchall() == [
        ("ok", None), ("failed", True)]


def test_one_bad_file_does_not_stop_the_others(store, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder / "1.jsonl", TEXT)
    write(folder / "2.txt", "hello, I am not an export\n")
    write(folder / "3.jsonl.gz", record(9, "q", "r") + "\n")
    write(folder / ".hidden.jsonl", "ignored")
    with pytest.raises(UnknownFormatError, match="2.txt: cannot tell the export format") as caught:
        wb.load(store, folder)
    statuses = [(f.path.rsplit("/", 1)[-1], f.status) for f in caught.value.report.files]
    assert statuses == [("1.jsonl", "ok"), ("2.txt", "failed"), ("3.jsonl.gz", "ok")]
    assert store.counts()["posts"] == 4


def test_zip_members_load_and_unsafe_members_are_refused(store, tmp_path):
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("x/one.jsonl", TEXT)
        z.writestr("two.jsonl", record(5, "z", "a") + "\n")
    report = wb.load(store, archive)
    # the JSON lines files of one format are one load
    assert [f.path for f in report.files] == [str(archive)]
    assert store.counts()["posts"] == 4 and store.counts()["loads"] == 1
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("ok.jsonl", TEXT)
        z.writestr("../escape.jsonl", TEXT)
    with pytest.raises(ExportFormatError, match="unsafe member name '../escape.jsonl'"):
        wb.load(store, evil)
    assert not (tmp_path.parent / "escape.jsonl").exists()


@pytest.mark.parametrize("content,error,message", [
    ("", EmptyExportError, "the file is empty"),
    ("\n\n  \n", EmptyExportError, "the file is empty"),
    ('{"mini": 1}\n{"mini": 2}\n', EmptyExportError, "no record could be read .2 rejected; first at line 1: missing id"),
])
def test_files_with_nothing_to_load_are_errors(store, tmp_path, content, error, message):
    with pytest.raises(error, match=message):
        wb.load(store, write(tmp_path / "x.jsonl", content), format="mini")
    assert store.counts()["posts"] == 0


def test_missing_path_and_corrupt_gzip(store, tmp_path):
    with pytest.raises(ExportFormatError, match="no such file or directory"):
        wb.load(store, tmp_path / "nope.jsonl")
    corrupt = tmp_path / "x.jsonl.gz"
    corrupt.write_bytes(gzip.compress(TEXT.encode())[:30])
    with pytest.raises(ExportFormatError, match="x.jsonl.gz line 1: the compressed data is corrupt or truncated"):
        wb.load(store, corrupt)


def test_truncated_gzip_after_good_blocks_fails_whole_load(store, tmp_path, monkeypatch):
    from workbench.ingest import staging
    monkeypatch.setattr(staging, "BLOCK_BYTES", 256)
    text = "".join(record(i) + "\n" for i in range(3000))
    data = gzip.compress(text.encode())
    path = tmp_path / "big.jsonl.gz"
    path.write_bytes(data[: len(data) - 40])
    with pytest.raises(ExportFormatError, match="corrupt or truncated"):
        wb.load(store, path, format="mini")
    assert store.counts()["posts"] == 0
    assert store.scalar("SELECT status FROM loads") == "failed"


def test_blocks_split_lines_correctly(store, tmp_path, monkeypatch):
    from workbench.ingest import staging
    monkeypatch.setattr(staging, "BLOCK_BYTES", 97)  # cuts through records everywhere
    text = "".join(record(i, author=f"u{i}") + "\n" + ("\n" if i % 7 == 0 else "") for i in range(300))
    text += "{broken\n" + record(999)
    report = wb.load(store, write(tmp_path / "x.jsonl", text))
    assert report.records_loaded == 301 and report.records_rejected == 1
    n_lines = text.count("\n") + 1
    assert store.scalar("SELECT line_no FROM rejects") == n_lines - 1


def test_in_row_groups_rebatches_without_changing_rows(monkeypatch):
    """Rows bound for a DuckDB insert, gathered from small batches (a block's lines, a write's parsed rows),
    go in batches of whole row groups, the last one fewer; a string_view column keeps its text."""
    import pyarrow as pa

    from workbench.ingest import staging
    monkeypatch.setattr(staging, "ROW_GROUP_ROWS", 4)
    table = pa.Table.from_batches([pa.record_batch({"n": list(range(i, i + 3)),
                                                    "s": pa.array([f"line {x}" * x for x in range(i, i + 3)],
                                                                  pa.string_view())})
                                   for i in (0, 3, 6)])
    rebatched = staging.in_row_groups(table)
    assert [batch.num_rows for batch in rebatched.to_batches()] == [4, 4, 1]
    assert rebatched.equals(table) and rebatched.schema == table.schema


def test_small_row_groups_load_what_large_ones_do(tmp_path, monkeypatch):
    """Lines copied into raw_lines in row groups of 3 (a block spans several, and ends in a part of one)
    load the same rows as in one group."""
    from workbench.ingest import staging
    monkeypatch.setattr(staging, "BLOCK_BYTES", 500)
    text = "".join(f"u{i},u{(i * 7) % 40},{1_600_000_000 + i}\n" for i in range(200))
    path = write(tmp_path / "edges.csv", "source,target,timestamp\n" + text)
    whole = wb.open(":memory:")
    wb.load(whole, path)
    monkeypatch.setattr(staging, "ROW_GROUP_ROWS", 3)
    small = wb.open(":memory:")
    wb.load(small, path)
    query = "SELECT source_id, target_id, kind, post_id, created_at FROM interactions ORDER BY ALL"
    assert small.sql(query).fetchall() == whole.sql(query).fetchall()
    assert len(whole.sql(query).fetchall()) == 200


def test_platform_option_prefixes_ids(store, tmp_path):
    wb.load(store, write(tmp_path / "x.jsonl", TEXT), platform="forum")
    assert sorted(store.sql("SELECT account_id FROM accounts").df()["account_id"]) == ["forum:a", "forum:b", "forum:c"]
    with pytest.raises(ExportFormatError, match="--platform must be"):
        wb.load(store, tmp_path / "x.jsonl", platform="Bad Name!")


def test_unknown_format_name_is_rejected(store, tmp_path):
    from workbench.errors import ParameterError
    with pytest.raises(ParameterError, match="format must be one of"):
        wb.load(store, write(tmp_path / "x.jsonl", TEXT), format="myspace")
