"""Reading in bounded memory: decompression bombs, huge documents, symlinks out of a folder, zips of
many small files, and a load under a small DuckDB memory limit that gives the same tables.

The bomb tests run the real CLI in a child process and read its peak resident memory from the
kernel (``os.wait4``, through benchmarks/measure.py's launcher): the load must stop with a message naming the file and the limit before the
decompressed bytes are in memory (before: a bare ``MemoryError`` after gigabytes).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
import zstandard

import workbench as wb
from workbench.errors import ExportFormatError
from workbench.ingest import ReadLimits
from workbench.ingest.sources import LimitExceededError

#: Peak resident memory a CLI load of a bomb may reach: the interpreter, DuckDB and pandas take
#: 200-450 MB, DuckDB works within its default 1 GB limit on the blocks read before the limit is met
#: (measured: 990 MiB for the zstd bomb, whose 96 MiB read are three million short lines).
BOMB_RSS_MAX = 1536 << 20


def _measured(*command: str) -> tuple[int, str, int]:
    """Run ``command`` in a child process; its exit code, stderr and its own peak resident memory
    (benchmarks/measure.py: read by a small launcher, since a child forked from this test process
    would count this process's peak as its own)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from measure import run_measured

    child = run_measured(list(command), capture_stderr=True)
    return child.code, child.stderr, child.peak_rss_bytes


def _measured_cli(*args: str) -> tuple[int, str, int]:
    """The workbench CLI, measured (:func:`_measured`)."""
    return _measured(sys.executable, "-m", "workbench.cli", *args)


def test_a_measured_child_s_peak_is_its_own():
    """The peak the bomb tests read is the child's: not this process's, which a child forked from it
    would inherit in ``ru_maxrss`` (pytest holds several hundred MB by the time these tests run)."""
    ballast = bytearray(300 << 20)
    ballast[::4096] = b"\x01" * len(ballast[::4096])  # touched: resident in this process
    _, _, idle = _measured(sys.executable, "-c", "pass")
    code, _, busy = _measured(sys.executable, "-c", "b = bytearray(200 << 20); b[::4096] = b'\\x01' * len(b[::4096])")
    del ballast
    assert code == 0
    assert idle < 250 << 20, f"{idle >> 20} MiB"
    assert busy >= 200 << 20, f"{busy >> 20} MiB"


def test_a_zstd_bomb_stops_at_the_expansion_limit_in_bounded_memory(tmp_path):
    """A 650 KB .zst of 6.4 GB (one 64 MiB frame of one repeated comment, 100 times): before, the
    loader decompressed a 256 KB read at once and died with a bare MemoryError."""
    line = b'{"id": "c1", "subreddit": "x"}\n'
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=27, enable_ldm=True)
    frame = zstandard.ZstdCompressor(compression_params=params).compress(line * ((64 << 20) // len(line)))
    bomb = tmp_path / "RC_bomb.zst"
    bomb.write_bytes(frame * 100)
    assert bomb.stat().st_size < 1_000_000
    code, err, peak = _measured_cli("load", str(bomb), "--db", str(tmp_path / "w.duckdb"), "--format", "reddit")
    assert code == 2, err
    assert "RC_bomb.zst" in err and "the limit is 1,000" in err and "decompression bomb" in err
    assert "Traceback" not in err and "MemoryError" not in err
    # it stops within a block or two of the 64 MiB grace, not gigabytes later
    expanded = re.search(r"expanded to more than ([0-9.]+) MiB", err)
    assert expanded and float(expanded.group(1)) <= 128, err
    assert peak < BOMB_RSS_MAX, f"peak {peak >> 20} MiB"
    with wb.open(tmp_path / "w.duckdb", read_only=True) as store:
        assert store.counts()["posts"] == 0
        assert store.sql("SELECT status FROM loads").fetchall() == [("failed",)]


@pytest.mark.slow
def test_a_gzip_document_bomb_stops_at_the_document_limit(tmp_path):
    """An 11.7 MB Discord .gz of 2.5 GB: a document is parsed whole, so it is capped (256 MiB)."""
    head = b'{"guild": {"id": "1", "name": "g"}, "channel": {"id": "2", "name": "c"}, "messages": ['
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip container
    parts = [packer.compress(head)]
    chunk = b" " * (64 << 20)
    for _ in range(40):  # 2.5 GiB of spaces inside the list
        parts.append(packer.compress(chunk))
    parts.append(packer.compress(b"]}") + packer.flush())
    bomb = tmp_path / "channel.json.gz"
    bomb.write_bytes(b"".join(parts))
    assert bomb.stat().st_size < 12_000_000
    code, err, peak = _measured_cli("load", str(bomb), "--db", str(tmp_path / "w.duckdb"), "--format", "discord")
    assert code == 2, err
    assert "channel.json.gz" in err and "larger than 256 MiB" in err and "--max-document-size" in err
    assert "Traceback" not in err and "MemoryError" not in err
    assert peak < BOMB_RSS_MAX, f"peak {peak >> 20} MiB"


def test_limits_are_configurable_and_name_the_file(tmp_path):
    document = tmp_path / "statuses.json"
    document.write_text(json.dumps([{"id": str(i), "uri": f"https://m.example/{i}", "content": "x" * 100,
                                     "account": {"acct": "a", "url": "https://m.example/@a"}, "reblog": None,
                                     "created_at": "2024-01-01T00:00:00Z"} for i in range(50)], indent=1),
                        encoding="utf-8")
    store = wb.open(":memory:")
    with pytest.raises(LimitExceededError, match=r"statuses.json: a JSON document larger than 1 KiB"):
        wb.load(store, document, format="mastodon", limits=ReadLimits(max_document_bytes=1024))
    assert store.counts()["posts"] == 0
    packed = tmp_path / "edges.csv.gz"
    packed.write_bytes(gzip.compress(b"source,target\n" + b"a,b\n" * 100_000))
    with pytest.raises(LimitExceededError, match=r"edges.csv.gz: decompresses to more than 100 KiB"):
        wb.load(store, packed, limits=ReadLimits(max_decompressed_bytes=100 << 10))
    # a tight ratio with no grace catches the 400x edge list; the default lets it load
    with pytest.raises(LimitExceededError, match=r"the limit is 50\)"):
        wb.load(store, packed, limits=ReadLimits(max_expansion=50, expansion_grace_bytes=0))
    assert wb.load(store, packed).records_loaded == 100_000


def test_a_symlink_out_of_the_folder_is_refused_and_one_inside_loads(tmp_path):
    """Before: a link to a system file was followed and the file's lines landed in rejects.raw."""
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("source,target\nroot:x:0:0:root:/root:/bin/bash,nobody\n", encoding="utf-8")
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "edges.csv").write_text("source,target\na,b\n", encoding="utf-8")
    (folder / "passwd.csv").symlink_to(secret)
    (folder / "again.csv").symlink_to(folder / "edges.csv")  # inside the folder: followed
    (folder / "up").symlink_to(tmp_path / "outside", target_is_directory=True)
    store = wb.open(":memory:")
    with pytest.raises(ExportFormatError, match="passwd.csv: a symbolic link that leads out of the folder"):
        wb.load(store, folder)
    assert store.scalar("SELECT count(*) FROM loads WHERE path LIKE '%passwd%'") == 0
    assert store.scalar("SELECT count(*) FROM rejects") == 0
    assert store.sql("SELECT handle FROM accounts ORDER BY 1").fetchall() == [("a",), ("b",)]
    assert store.scalar("SELECT count(*) FROM posts WHERE text LIKE '%root%'") == 0
    code, err, _ = _measured_cli("load", str(folder), "--db", str(tmp_path / "w.duckdb"))
    assert code == 2 and "passwd.csv: a symbolic link that leads out of the folder" in err


def test_a_zip_of_300_one_tweet_files_is_one_load(tmp_path, monkeypatch):
    """Before: 300 loads rows and 125 s (0.42 s a member: the format's SQL ran once per file); now one
    load of the zip, whose files are parsed together in one block (measured: 2 s at load 10)."""
    from workbench.ingest import twitter_v2

    parse = twitter_v2.parse
    blocks = []

    def counted(ctx):
        # twarc2 reads each block's Arrow lines in place (READS_BLOCK), not a raw_lines table
        blocks.append(ctx.block.num_rows)
        parse(ctx)

    monkeypatch.setattr(twitter_v2, "parse", counted)
    archive = tmp_path / "tweets.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i in range(300):
            page = {"data": [{"id": str(1000 + i), "author_id": str(i % 7), "text": f"tweet {i} @u{(i + 1) % 7}",
                              "created_at": "2024-01-01T00:00:00.000Z",
                              "entities": {"mentions": [{"start": 9 + len(str(i)), "username": f"u{(i + 1) % 7}",
                                                         "id": str((i + 1) % 7)}]}}],
                    "includes": {"users": [{"id": str(i % 7), "username": f"u{i % 7}"}]}}
            z.writestr(f"day/{i:03d}.jsonl", json.dumps(page) + ("\n{broken\n" if i == 123 else "\n"))
    store = wb.open(":memory:")
    report = wb.load(store, archive)
    assert [f.path for f in report.files] == [str(archive)]
    assert blocks == [301]  # one block of all the files' lines, parsed once
    assert store.scalar("SELECT count(*) FROM loads") == 1
    assert store.counts()["posts"] == 300 and store.counts()["interactions"] == 300
    assert report.records_read == 301 and report.records_rejected == 1
    # a reject names its file and its line in that file
    assert store.sql("SELECT path, line_no, raw FROM rejects").fetchall() == [
        (f"{archive}/day/123.jsonl", 2, "{broken")]
    assert wb.load(store, archive).files[0].already_loaded_as == 1


#: The tables compared between the two loads: their rows' count and the sum of the rows' hashes
#: (the same multiset of rows gives the same sum, whatever their order).
FINGERPRINTS = {
    "accounts": "SELECT count(*), sum(hash(a)) FROM accounts AS a",
    "posts": "SELECT count(*), sum(hash(p)) FROM posts AS p",
    "interactions": "SELECT count(*), sum(hash(i)) FROM interactions AS i",
    "loads": "SELECT records_read, records_loaded, records_rejected, unresolved, sha256, bytes FROM loads",
}
#: Peak resident memory of ``workbench load --memory-limit 256MB`` of the 245 MB month below
#: (measured 0.76 GB: the interpreter and its libraries, DuckDB's 256 MB and a few blocks). The
#: loader before streaming held the file's lines and their parse at once: 1.28 GB for this file.
LIMITED_RSS_MAX = 1 << 30


@pytest.mark.slow
def test_a_load_under_256mb_gives_the_same_tables(tmp_path):
    """A Reddit month of 500k comments (245 MB decompressed) loaded with ``--memory-limit 256MB`` stays
    in bounded memory and gives exactly the rows of a load without a limit."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import generate

    month = generate.reddit_month(tmp_path, comments=500_000)
    limited = _same_tables_under_limit(tmp_path, month, "256MB", records=500_000)
    with wb.open(limited, read_only=True) as store:
        assert store.counts()["posts"] == 500_000


@pytest.mark.slow
def test_two_months_under_256mb_give_the_same_tables(tmp_path):
    """A month of 200k comments and the month after it (one reply in ten to the first month), loaded in one
    command with ``--memory-limit 256MB``: the second month is appended too, its checks against the first
    month's posts and its parent join spill, and the workspace holds exactly the rows of the two loads
    without a limit, the replies across the months included."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import generate

    first = generate.reddit_month(tmp_path, comments=200_000)
    second = generate.reddit_next_month(first, tmp_path / "RC_next.zst")
    limited = _same_tables_under_limit(tmp_path, [first, second], "256MB", records=400_000)
    with wb.open(limited, read_only=True) as store:
        assert store.counts()["posts"] == 400_000
        across = store.scalar("SELECT count(*) FROM interactions AS i JOIN posts AS c ON c.post_id = i.post_id "
                              "WHERE starts_with(c.post_id, 'reddit:t1_d') AND starts_with(c.parent_post_id, 'reddit:t1_c')")
        assert across > 0  # second-month comments answering first-month ones


@pytest.mark.slow
def test_an_edge_list_under_64mb_gives_the_same_tables(tmp_path):
    """An edge list of 400k interactions (13 MB) and 2,000 of its lines again (repeated interactions:
    occurrences 1 and 2) loaded with ``--memory-limit 64MB`` (its work tables spill) gives exactly
    the rows of a load without a limit."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import generate

    edges = generate.edge_list(tmp_path / "edges.csv", interactions=400_000, accounts=40_000)
    lines = edges.read_text(encoding="utf-8").splitlines(keepends=True)
    with edges.open("a", encoding="utf-8") as out:
        out.writelines(lines[1:2001])
    limited = _same_tables_under_limit(tmp_path, edges, "64MB", records=402_000)
    with wb.open(limited, read_only=True) as store:
        assert store.counts()["interactions"] == 402_000
        assert store.scalar("SELECT count(*) FROM interactions WHERE post_id LIKE '%:2'") >= 2000


def _same_tables_under_limit(tmp_path: Path, path: Path | list[Path], limit: str, *, records: int) -> Path:
    """Load ``path`` (or several files, one load each) with the CLI under ``--memory-limit limit`` and with
    the API under 16 GB; the peak stays under LIMITED_RSS_MAX and both workspaces hold the same rows.
    Returns the limited workspace."""
    limited = tmp_path / "limited.duckdb"
    paths = [str(p) for p in (path if isinstance(path, list) else [path])]
    code, err, peak = _measured_cli("load", *paths, "--db", str(limited), "--memory-limit", limit, "--quiet")
    assert code == 0, err
    assert peak < LIMITED_RSS_MAX, f"peak {peak >> 20} MiB"
    with wb.open(tmp_path / "unlimited.duckdb", memory_limit="16GB") as store:
        assert wb.load(store, paths).records_loaded == records
        unlimited = {name: store.sql(query).fetchall() for name, query in FINGERPRINTS.items()}
    with wb.open(limited, read_only=True) as store:
        assert {name: store.sql(query).fetchall() for name, query in FINGERPRINTS.items()} == unlimited
    return limited
