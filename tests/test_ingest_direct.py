"""Files DuckDB reads itself (workbench.ingest.direct): the Reddit loader's fast path.

Every check compares the fast path with the same file read line by line (``reddit.READS_FILE = False``),
which is the reference: the same tables, counts and rejects, whatever the records hold, however the file
is compressed, with blank lines, CRLF line ends or a byte-order mark.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbench as wb
from workbench.ingest import direct, pipeline, reddit
from workbench.ingest.sources import LimitExceededError, ReadLimits, expand


@pytest.fixture
def attempts(monkeypatch):
    """How each load of the test was read: "file" (DuckDB's reader, kept), "retried" (it raised
    ReadByLines and the file was read again by lines) or "lines"."""
    seen: list[str] = []
    stage = pipeline.stage

    def spied(store, ctx, module, source, layout, **kwargs):
        by_file = not kwargs.get("by_lines") and pipeline._file_compression(module, layout, ctx, source,
                                                                            kwargs.get("limits")) is not None
        try:
            result = stage(store, ctx, module, source, layout, **kwargs)
        except direct.ReadByLines:
            seen.append("retried")
            raise
        if not kwargs.get("by_lines"):
            seen.append("file" if by_file else "lines")
        return result

    monkeypatch.setattr(pipeline, "stage", spied)
    return seen


def encode(lines: list[str], compression: str, *, crlf: bool = False, bom: bool = False) -> bytes:
    text = "".join(line + ("\r\n" if crlf else "\n") for line in lines)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", errors="surrogatepass")
    if compression == "gz":
        return gzip.compress(data[: len(data) // 2]) + gzip.compress(data[len(data) // 2:])  # two members
    if compression == "zst":
        packer = zstandard.ZstdCompressor()
        return packer.compress(data[: len(data) // 2]) + packer.compress(data[len(data) // 2:])  # two frames
    return data


def snapshot(store) -> dict:
    tables = {name: store.sql(f"SELECT * EXCLUDE (load_id) FROM {name} ORDER BY ALL").fetchall()
              for name in ("posts", "interactions", "post_entities")}
    tables["accounts"] = store.sql("SELECT * FROM accounts ORDER BY ALL").fetchall()
    tables["rejects"] = store.sql("SELECT line_no, reason, raw FROM rejects ORDER BY line_no").fetchall()
    return tables


def load_both(monkeypatch, path: Path, **kwargs) -> tuple[tuple, dict, tuple, dict]:
    """``path`` loaded by DuckDB's reader (where it can) and line by line: each load's counts and tables."""
    results = []
    for reads_file in (True, False):
        monkeypatch.setattr(reddit, "READS_FILE", reads_file)
        with wb.open(":memory:") as store:
            report = wb.load(store, path, format="reddit", progress=False, **kwargs).files[0]
            results += [(report.records_read, report.records_loaded, report.records_rejected, report.new_posts,
                         report.new_accounts, report.new_interactions, report.unresolved, report.sha256,
                         report.bytes), snapshot(store)]
    monkeypatch.setattr(reddit, "READS_FILE", True)
    return tuple(results)  # type: ignore[return-value]


def record(i: int, **fields) -> dict:
    base = {"id": f"c{i}", "author": f"user{i % 3}", "subreddit": "test", "parent_id": "t3_s0", "link_id": "t3_s0",
            "created_utc": 1_600_000_000 + i, "body": f"body {i} https://example.org/{i} #tag{i}", "score": i}
    return {**base, **fields}


@pytest.mark.parametrize("compression", ["none", "gz", "zst"])
def test_a_clean_dump_is_read_by_duckdb_and_gives_the_tables_of_a_load_by_lines(tmp_path, monkeypatch, attempts,
                                                                              compression):
    records = [{"id": "s0", "author": "op", "subreddit": "test", "title": "q", "selftext": "why?",
                "created_utc": 1_600_000_000, "num_comments": 3, "num_crossposts": 0,
                "url": "https://example.org/page?a=1&amp;b=2", "is_self": False},
               *[record(i, parent_id="t1_c%d" % (i - 1) if i > 1 else "t3_s0") for i in range(1, 40)],
               record(40, author="[deleted]"), record(41, parent_id="t1_c40"), record(42, parent_id="t1_gone")]
    path = tmp_path / f"RC_clean.{ {'none': 'ndjson', 'gz': 'ndjson.gz', 'zst': 'zst'}[compression] }"
    path.write_bytes(encode([json.dumps(r) for r in records], compression))
    file_counts, file_tables, line_counts, line_tables = load_both(monkeypatch, path)
    assert attempts == ["file", "lines"]
    assert file_counts == line_counts and file_tables == line_tables
    assert file_counts[:3] == (len(records), len(records), 0)
    assert file_counts[5:7] == (39 - 1 + 1, 1)  # c2..c39 -> the previous commenter, c1 -> op, c42 unresolved
    assert file_counts[7] == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    assert file_counts[8] == path.stat().st_size


def test_a_bad_line_sends_the_file_to_the_line_reader_which_names_it(tmp_path, monkeypatch, attempts):
    lines = [json.dumps(record(i)) for i in range(1, 6)]
    lines[3] = '{"id": "c4", "subreddit": "test", "parent_id": "t3_s0"'  # line 4: cut short
    path = tmp_path / "RC_bad.zst"
    path.write_bytes(encode(lines, "zst"))
    file_counts, file_tables, line_counts, line_tables = load_both(monkeypatch, path)
    assert attempts == ["retried", "lines"]  # the fast path stopped, the retry read the file by lines
    assert file_counts == line_counts and file_tables == line_tables
    assert file_tables["rejects"] == [(4, "invalid JSON", lines[3])]


@pytest.mark.parametrize("bad", ['{"id": "c9", "subreddit": "test"', "x" * (17 << 20)],
                         ids=["cut short", "over 16 MiB"])
def test_a_bad_line_after_many_batches_sends_the_file_to_the_line_reader(tmp_path, monkeypatch, attempts, bad):
    """Past DuckDB's first batch its reader's errors come through Arrow's stream (as OSError)."""
    monkeypatch.setattr(direct, "_BATCH_ROWS", 2)
    lines = [json.dumps(record(i)) for i in range(1, 40)] + [bad, json.dumps(record(40))]
    path = tmp_path / "RC_late.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    file_counts, file_tables, line_counts, line_tables = load_both(monkeypatch, path)
    assert attempts == ["retried", "lines"]
    assert file_counts == line_counts and file_tables == line_tables
    assert [line_no for line_no, _, _ in file_tables["rejects"]] == [40]


def test_a_valid_record_the_loader_rejects_sends_the_file_to_the_line_reader(tmp_path, monkeypatch, attempts):
    """DuckDB reads a line of ``null`` as a row of NULLs; the loader rejects it by its line number."""
    lines = [json.dumps(record(1)), "", "null", json.dumps(record(2, id=True))]
    path = tmp_path / "RC_null.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    file_counts, file_tables, line_counts, line_tables = load_both(monkeypatch, path)
    assert attempts[0] == "retried" and file_tables == line_tables and file_counts == line_counts
    assert file_tables["rejects"] == [(3, "expected a JSON object, got null", "null"),
                                      (4, "id must be a string, got boolean", lines[3])]


def test_the_expansion_limit_holds_when_duckdb_decompresses(tmp_path, monkeypatch, attempts):
    """A start that expands within the limit (random text) and a rest that does not (one line repeated):
    DuckDB's reader reads it, and the loader stops it at the limit for the whole file's size."""
    import random

    rng = random.Random(7)
    start = [json.dumps(record(i, body="".join(rng.choice("abcdefghij0123456789") for _ in range(400))))
             for i in range(direct.PROBE_BYTES // 400 + 1000)]
    path = tmp_path / "RC_bomb.zst"
    path.write_bytes(encode(start + [json.dumps(record(0, body="x" * 200))] * 100_000, "zst"))
    store = wb.open(":memory:")
    limits = ReadLimits(max_expansion=5, expansion_grace_bytes=0)
    source = next(iter(expand(path)))
    assert direct.starts_within_limits(source, limits)
    with pytest.raises(LimitExceededError, match=r"RC_bomb.zst.*the limit is 5\)"):
        wb.load(store, path, limits=limits, progress=False)
    assert attempts == []  # it stopped the load: no retry by lines
    assert store.counts()["posts"] == 0
    # a bomb from its start is read by lines, whose reader stops it at once
    bomb = tmp_path / "RC_bomb2.zst"
    bomb.write_bytes(encode([json.dumps(record(0, body="x" * 200))] * 100_000, "zst"))
    assert not direct.starts_within_limits(next(iter(expand(bomb))), ReadLimits(max_expansion=50))
    # a cap on the decompressed size is enforced byte for byte by the line reader: no fast path
    assert direct.compression_of(source, ReadLimits(max_decompressed_bytes=1 << 30)) is None


def test_the_reader_may_read_its_file_and_nothing_else(tmp_path):
    path = tmp_path / "RC_one.ndjson"
    path.write_text(json.dumps(record(1)) + "\n", encoding="utf-8")
    other = tmp_path / "secret.txt"
    other.write_text("not yours\n", encoding="utf-8")
    source = next(iter(expand(path)))
    with direct.FileReader(source, "none") as reader:
        assert reader.con.execute("SELECT count(*) FROM read_text(getvariable('file_path'))").fetchall() == [(1,)]
        with pytest.raises(Exception, match="disabled by configuration"):
            reader.con.execute("SELECT * FROM read_text(?)", [str(other)]).fetchall()
        with pytest.raises(Exception, match="locked"):
            reader.con.execute("SET enable_external_access = true")
        assert reader.digest() == (__import__("hashlib").sha256(path.read_bytes()).hexdigest(), path.stat().st_size)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fdinfo"), reason="the read position comes from /proc")
def test_the_read_position_is_the_file_descriptors(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"x" * 1000)
    with open(path, "rb") as stream:
        stream.seek(400)
        hint: list[int] = []
        assert direct._read_position(str(path), hint) == 400 and hint == [stream.fileno()]
    assert direct._read_position(str(path), hint) is None


# -- property: whatever the records hold, the fast path gives what the line reader gives ----------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_VALUE = st.one_of(st.none(), st.booleans(), st.sampled_from(["", "yesterday"]), st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=False), _TEXT,
                   st.lists(st.integers(), max_size=2), st.dictionaries(st.sampled_from(["a", "b"]), st.integers(),
                                                                         max_size=2))
#: Each field's usual values (what real dumps hold, escapes and non-ASCII text included), then anything JSON
#: holds (which often makes DuckDB's reader stop or the loader reject the line: the line reader decides then).
_FIELDS = {
    "id": st.sampled_from(["a1", "b2", "c3", "t1_a1", "t3_s9", "42"]),
    "author": st.sampled_from(["ann", "Ben", "[deleted]", "AutoModerator", "zoë", "x\"y"]),
    "created_utc": st.one_of(st.integers(0, 2_000_000_000), st.floats(0, 2e9),
                             st.sampled_from(["1600000000", "2020-01-02T03:04:05Z", "2020-01-02 03:04:05"])),
    "parent_id": st.sampled_from(["t1_a1", "t3_s9", "t1_b2", "t1_none"]),
    "link_id": st.sampled_from(["t3_s9", "t3_other"]),
    "body": st.one_of(_TEXT, st.sampled_from(["see https://example.org/x", "#tag and #Tag", 'quote " and \\'])),
    "title": _TEXT, "selftext": _TEXT, "subreddit": st.sampled_from(["AskWomen", "test"]),
    "score": st.integers(-10, 10), "num_comments": st.integers(0, 5), "num_crossposts": st.integers(0, 2),
    "author_created_utc": st.floats(0, 2e9),
    "url": st.sampled_from(["https://example.org/a?b=1&amp;c=2", "/r/test/comments/s9/x", "http://s9.example"]),
    "is_self": st.booleans(),
}


@st.composite
def dumps(draw):
    records = []
    for _ in range(draw(st.integers(1, 8))):
        keys = draw(st.lists(st.sampled_from(sorted(_FIELDS)), unique=True, min_size=1))
        records.append({key: draw(_VALUE if draw(st.integers(0, 30)) == 0 else _FIELDS[key])
                        for key in ["subreddit", "id", *keys]})
    lines = [json.dumps(r, ensure_ascii=draw(st.booleans())) for r in records]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(["", "   ", "\t"])))
    return lines, draw(st.sampled_from(["none", "gz", "zst"])), draw(st.booleans()), draw(st.booleans())


@pytest.mark.slow  # a few seconds: left out of make test-fast, run by make test
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=dumps())
def test_any_dump_gives_the_tables_of_a_load_by_lines(monkeypatch, case):
    lines, compression, crlf, bom = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / {"none": "RC_x.ndjson", "gz": "RC_x.ndjson.gz", "zst": "RC_x.zst"}[compression]
        path.write_bytes(encode(lines, compression, crlf=crlf, bom=bom))
        try:
            file_counts, file_tables, line_counts, line_tables = load_both(monkeypatch, path)
        except wb.WorkbenchError as error:  # a dump without a record to load: both paths say so alike
            monkeypatch.setattr(reddit, "READS_FILE", False)
            with wb.open(":memory:") as store, pytest.raises(type(error), match="no record|empty"):
                wb.load(store, path, format="reddit", progress=False)
            monkeypatch.setattr(reddit, "READS_FILE", True)
            return
        assert file_counts == line_counts
        assert file_tables == line_tables
