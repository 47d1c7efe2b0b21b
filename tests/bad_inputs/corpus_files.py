"""Kinds of bad input about bytes, files and containers: encodings, line ends, NUL, an over-long line,
broken compression, unsafe or broken zips, symlinks, pipes, folders, a file that changes while read.

Each :class:`~corpus_records.Kind` states the outcome ``workbench load`` must give (see make_corpus.py).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import zipfile
from pathlib import Path

from corpus_records import (Kind, bluesky_post, comment, discord_export, discord_message, files, lines,
                            mastodon_status, submission, text_file, tweet_v1, tweet_v2)

__all__ = ["KINDS", "HUGE_LINE_BYTES"]

#: Size of the body of the over-long record of the ``huge_line`` kind.
HUGE_LINE_BYTES = 50 << 20

# truncated line: the writer of the export died in the middle of the last record
_TRUNCATED = lines([tweet_v2(1), tweet_v2(2)]) + json.dumps(tweet_v2(3))[:70]

# a DiscordChatExporter document cut in the middle (pretty-printed, as the exporter writes it)
_DISCORD_FULL = json.dumps(discord_export([discord_message(i) for i in range(3)]), indent=2)
_DISCORD_CUT = _DISCORD_FULL[: _DISCORD_FULL.index('"message 1"') + 5]
_DISCORD_CUT_LINE = _DISCORD_CUT.count("\n") + 1  # JSON parsing fails on the last line, inside a string

# one comment's body with a byte that is not UTF-8 (Latin-1 é)
_INVALID_UTF8 = (lines([submission(), comment(1)]).encode()
                 + json.dumps(comment(2, body="caf#")).encode().replace(b"#", b"\xe9") + b"\n"
                 + lines([comment(3)]).encode())
_INVALID_UTF8_BYTE = json.dumps(comment(2, body="caf#")).index("#")

# a pretty-printed Mastodon list with a Latin-1 byte on its 14th line
_MASTODON_DOC = json.dumps([mastodon_status(1), mastodon_status(2)], indent=2)
_MASTODON_LATIN1 = _MASTODON_DOC.replace("toot 1", "caf#").encode().replace(b"#", b"\xe9")
_LATIN1_BYTE = _MASTODON_LATIN1.index(b"\xe9")
_LATIN1_LINE = _MASTODON_LATIN1[:_LATIN1_BYTE].count(b"\n") + 1

_BOM = b"\xef\xbb\xbf"

_CSV = "source,target,kind,timestamp\nann,bea,mention,2024-01-01T10:00:00Z\nbea,cai,reply,2024-01-02T10:00:00Z\n"

_NUL = (lines([tweet_v1(1)]).encode() + json.dumps(tweet_v1(2, text="nul#here")).encode().replace(b"#", b"\x00")
        + b"\n" + lines([tweet_v1(3)]).encode())
_NUL_BYTE = json.dumps(tweet_v1(2, text="nul#here")).index("#")

def _write_huge(folder: Path) -> None:
    # streamed to disk: the generator itself must not hold 50 MB twice
    with open(folder / "huge.jsonl", "w", encoding="utf-8") as out:
        out.write(json.dumps(comment(1)) + "\n")
        head, tail = json.dumps(comment(2, body="#")).split("#")
        out.write(head)
        block = "x" * (1 << 20)
        for _ in range(HUGE_LINE_BYTES >> 20):
            out.write(block)
        out.write(tail + "\n")
        out.write(json.dumps(comment(3)) + "\n")

_HUGE_LINE_LEN = len(json.dumps(comment(2, body=""))) + HUGE_LINE_BYTES

_BIG_TEXT = lines([tweet_v2(i, text="padding " * 40) for i in range(400)]).encode()

def _corrupt_gzip() -> bytes:
    data = bytearray(gzip.compress(_BIG_TEXT, mtime=0))
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(64)  # zeros in the middle of the deflate stream
    return bytes(data)

def _truncated_zstd() -> bytes:
    import zstandard

    data = zstandard.ZstdCompressor(level=3).compress(_BIG_TEXT)
    return data[: len(data) // 2]

def _zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            archive.writestr(info, content)
    return buffer.getvalue()

def _write_symlink(folder: Path) -> None:
    (folder / "real").mkdir()
    (folder / "real" / "tweets.jsonl").write_text(lines([tweet_v2(1), tweet_v2(2)]), encoding="utf-8")
    os.symlink(Path("real") / "tweets.jsonl", folder / "link.jsonl")

def _write_broken_symlink(folder: Path) -> None:
    os.symlink("no-such-target.jsonl", folder / "dangling.jsonl")

def _write_symlink_loop(folder: Path) -> None:
    (folder / "export").mkdir()
    (folder / "export" / "tweets.jsonl").write_text(lines([tweet_v2(1)]), encoding="utf-8")
    os.symlink(".", folder / "export" / "again")  # export/again/again/... forever, if followed

def _write_fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.jsonl")

def _write_empty_folder(folder: Path) -> None:
    (folder / "nothing").mkdir()
    (folder / "nothing" / ".hidden.jsonl").write_text(lines([tweet_v2(1)]), encoding="utf-8")

_MIXED = {
    "mixed/a_reddit.jsonl": lines([submission(), comment(1)]),
    "mixed/b_tweets.jsonl.gz": gzip.compress(lines([tweet_v2(1), tweet_v2(2)]).encode(), mtime=0),
    "mixed/c_edges.csv": _CSV,
    "mixed/d_mastodon.json": json.dumps([mastodon_status(1)], indent=2),
    "mixed/e_bluesky.json": json.dumps({"posts": [bluesky_post(1)]}),
    "mixed/f_notes.txt": "Collected on a Tuesday; ask Sam about the rest.\n",
}

_SLACK = {
    "slack/users.json": json.dumps([{"id": "UB1", "name": "sam", "real_name": "Sam"},
                                    {"id": "UB2", "name": "kim", "real_name": "Kim"}], indent=4),
    "slack/channels.json": json.dumps([{"id": "CB1", "name": "general", "members": ["UB1", "UB2"]}], indent=4),
    "slack/general/2024-01-01.json": json.dumps([
        {"type": "message", "user": "UB1", "text": "hello <@UB2>", "ts": "1704103200.000100"},
        {"type": "message", "user": "UB2", "text": "hi", "ts": "1704103260.000200"}], indent=4),
    # a comma missing after "UB1": Python's parser stops at line 5, column 9
    "slack/general/2024-01-02.json": ('[\n    {\n        "type": "message",\n        "user": "UB1"\n'
                                      '        "ts": "1"\n    }\n]\n'),
}

_CSV_EDGES = ("SELECT source_id, target_id, kind FROM interactions "
              "WHERE source_id IN ('csv:ann', 'csv:bea') ORDER BY 1",
              [("csv:ann", "csv:bea", "mention"), ("csv:bea", "csv:cai", "reply")])


def _kinds() -> list[Kind]:
    K = Kind
    return [
        K("truncated_line", "twitter-v2", "JSON lines whose last record is cut off mid-way (no final newline)",
          text_file("tweets.jsonl", _TRUNCATED), ("tweets.jsonl",),
          "loads the whole records; the cut one is rejected",
          counts=(3, 2, 1), rejects=(("tweets.jsonl", 3, "invalid JSON (a truncated or malformed line)"),),
          new=(2, 2, 0), loads=("ok",)),
        K("truncated_document", "discord", "a pretty-printed DiscordChatExporter document cut in the middle",
          text_file("general.json", _DISCORD_CUT), ("general.json",),
          "exit 2: no record could be read; the line where JSON parsing fails is named",
          exit=2, message=r"workbench load: error: {dir}/general\.json: no record could be read \(1 rejected; "
                          rf"first at line {_DISCORD_CUT_LINE}: invalid JSON: Unterminated string starting at "
                          r"column \d+\)",
          loads=("failed",)),
        K("invalid_utf8_line", "reddit", "one line holds a byte that is not UTF-8 (Latin-1 é)",
          text_file("RC_bad.jsonl", _INVALID_UTF8), ("RC_bad.jsonl",),
          "that line is rejected (with the byte offset), the rest loads",
          counts=(4, 3, 1), rejects=(("RC_bad.jsonl", 3, f"invalid UTF-8 at byte {_INVALID_UTF8_BYTE} of the line"),),
          new=(3, 3, 2), loads=("ok",)),
        K("invalid_utf8_document", "mastodon", "a pretty-printed JSON document with a Latin-1 byte",
          text_file("statuses.json", _MASTODON_LATIN1), ("statuses.json",),
          "exit 2: the document is one record, rejected for its bad byte (line and byte named)",
          exit=2, message=r"workbench load: error: {dir}/statuses\.json: no record could be read \(1 rejected; "
                          rf"first at line {_LATIN1_LINE}: invalid UTF-8 at byte {_LATIN1_BYTE}\)",
          loads=("failed",)),
        K("bom_jsonl", "mastodon", "JSON lines starting with a UTF-8 byte-order mark",
          text_file("statuses.jsonl", _BOM + lines([mastodon_status(1), mastodon_status(2)]).encode()),
          ("statuses.jsonl",), "loads normally (the BOM is dropped)",
          counts=(2, 2, 0), new=(2, 2, 0), loads=("ok",)),
        K("bom_csv", "edges-csv", "an edge list whose header starts with a byte-order mark (Excel's UTF-8 CSV)",
          text_file("edges.csv", _BOM + _CSV.encode()), ("edges.csv",),
          "loads normally: the header is recognised",
          counts=(2, 2, 0), new=(3, 0, 2), loads=("ok",), facts=(_CSV_EDGES,)),
        K("crlf_jsonl", "reddit", "JSON lines with Windows line ends (CRLF)",
          text_file("RC_crlf.jsonl", lines([submission(), comment(1), comment(2)]).replace("\n", "\r\n")),
          ("RC_crlf.jsonl",), "loads normally",
          counts=(3, 3, 0), new=(3, 3, 2), loads=("ok",),
          facts=(("SELECT count(*) FROM posts WHERE channel = 'badinputs' AND contains(text, chr(13))", [(0,)]),)),
        K("crlf_csv", "edges-csv", "an edge list with CRLF line ends",
          text_file("edges.csv", _CSV.replace("\n", "\r\n")), ("edges.csv",), "loads normally; no CR in any value",
          counts=(2, 2, 0), new=(3, 0, 2), loads=("ok",), facts=(_CSV_EDGES,)),
        K("nul_bytes", "twitter-v1", "a NUL byte inside a record",
          text_file("stream.jsonl", _NUL), ("stream.jsonl",),
          "that line is rejected (a raw NUL is no JSON or CSV text), the rest loads",
          counts=(3, 2, 1), rejects=(("stream.jsonl", 2, f"a NUL byte at byte {_NUL_BYTE} of the line (not text)"),),
          new=(2, 2, 0), loads=("ok",)),
        K("huge_line", "reddit", "a 50 MB single line (one comment with a 50 MB body)",
          _write_huge, ("huge.jsonl",),
          "that line is rejected as too long, skipped while streaming (memory stays bounded); the rest loads",
          counts=(3, 2, 1),
          rejects=(("huge.jsonl", 2, f"line too long: {_HUGE_LINE_LEN:,} bytes, more than the 16,777,216 bytes "
                                     "one record may have; not loaded"),),
          new=(2, 2, 0), loads=("ok",),
          facts=(("SELECT strlen(raw) FROM rejects WHERE path = $dir || '/huge.jsonl'", [(2000,)]),)),
        K("corrupt_gzip", "twitter-v2", "a .gz with 64 zero bytes in the middle of its deflate stream",
          text_file("tweets.jsonl.gz", _corrupt_gzip()), ("tweets.jsonl.gz",),
          "exit 2: the compressed data is corrupt; nothing of the file is loaded",
          exit=2, message=r"workbench load: error: {dir}/tweets\.jsonl\.gz line 1: the compressed data is corrupt "
                          r"or truncated \(.+\)",
          loads=("failed",)),
        K("truncated_zstd", "twitter-v2", "a .zst cut in half", text_file("tweets.jsonl.zst", _truncated_zstd()),
          ("tweets.jsonl.zst",), "exit 2: the file ends inside a zstd frame; nothing of the file is loaded",
          exit=2, message=r"workbench load: error: {dir}/tweets\.jsonl\.zst line 1: the compressed data is corrupt "
                          r"or truncated \(ZstdError: the file ends inside a zstd frame \(truncated\)\)"),
        K("not_really_gzip", "twitter-v2", "plain JSON lines named .gz",
          text_file("tweets.jsonl.gz", lines([tweet_v2(1)])), ("tweets.jsonl.gz",),
          "exit 2 before anything is read into the workspace",
          exit=2, message=r"workbench load: error: {dir}/tweets\.jsonl\.gz line 1: the compressed data is corrupt "
                          r"or truncated \(BadGzipFile: Not a gzipped file .*\)"),
        K("gzip_of_nothing", "any", "a valid .gz of zero bytes",
          text_file("empty.jsonl.gz", gzip.compress(b"", mtime=0)),
          ("empty.jsonl.gz",), "exit 2: the file is empty",
          exit=2, message=r"workbench load: error: {dir}/empty\.jsonl\.gz: the file is empty: no record to load"),
        K("zip_path_traversal", "zip", "a zip with a good member and one named ../escape.jsonl",
          text_file("evil.zip", _zip_bytes({"good.jsonl": lines([tweet_v2(1)]),
                                            "../escape.jsonl": lines([tweet_v2(2)])})),
          ("evil.zip",), "exit 2: the whole zip is refused, nothing is extracted or loaded",
          exit=2, message=r"workbench load: error: {dir}/evil\.zip: unsafe member name '\.\./escape\.jsonl' "
                          r"\(absolute or leaving the archive\); the zip is not loaded"),
        K("zip_absolute_path", "zip", "a zip member named /tmp/abs.jsonl",
          text_file("abs.zip", _zip_bytes({"/tmp/abs.jsonl": lines([tweet_v2(1)])})), ("abs.zip",),
          "exit 2: the zip is refused",
          exit=2, message=r"workbench load: error: {dir}/abs\.zip: unsafe member name '/tmp/abs\.jsonl' "
                          r"\(absolute or leaving the archive\); the zip is not loaded"),
        K("corrupt_zip", "zip", "a file named .zip that is not a zip",
          text_file("broken.zip", b"PK\x03\x04 not really"),
          ("broken.zip",), "exit 2",
          exit=2, message=r"workbench load: error: {dir}/broken\.zip: not a readable zip archive \(.+\)"),
        K("symlink_to_export", "twitter-v2", "a symbolic link to an export", _write_symlink, ("link.jsonl",),
          "loads through the link; loads.path is the link's path",
          counts=(2, 2, 0), new=(2, 2, 0), loads=("ok",),
          facts=(("SELECT count(*) FROM loads WHERE status = 'ok' AND path = $dir || '/link.jsonl'", [(1,)]),)),
        K("broken_symlink", "any", "a symbolic link to nothing", _write_broken_symlink, ("dangling.jsonl",),
          "exit 2",
          exit=2, message=r"workbench load: error: {dir}/dangling\.jsonl: no such file or directory "
                          r"\(a broken symbolic link\)"),
        K("symlink_loop_folder", "twitter-v2", "a folder holding a link to itself (export/again -> .)",
          _write_symlink_loop, ("export",), "the file loads once; the loop is not followed",
          counts=(1, 1, 0), new=(1, 1, 0), loads=("ok",)),
        K("fifo", "any", "a named pipe instead of a file", _write_fifo, ("pipe.jsonl",),
          "exit 2 without blocking on the pipe",
          exit=2, message=r"workbench load: error: {dir}/pipe\.jsonl: not a regular file or folder"),
        K("path_too_long", "any", "a path whose name exceeds the file system's limit", lambda folder: None,
          ("n" * 300 + ".jsonl",), "exit 2",
          exit=2, message=r"workbench load: error: {dir}/n{300}\.jsonl: cannot use this path \(File name too long\)"),
        K("empty_folder", "any", "a folder with nothing but a hidden file", _write_empty_folder, ("nothing",),
          "exit 2", exit=2, message=r"workbench load: error: {dir}/nothing: the folder holds no files to load"),
        K("mixed_folder", "reddit, twitter-v2 (.gz), edges-csv, mastodon, bluesky, text",
          "a folder of five exports in five formats and a notes file",
          files(_MIXED), ("mixed",),
          "each export is detected and loaded as its own load; the notes file fails alone: exit 2 naming it",
          exit=2, message=r"workbench load: error: {dir}/mixed/f_notes\.txt: cannot tell the export format "
                          r"\(first line starts 'Collected on a Tuesday; ask Sam about the rest\.'\); "
                          r"pass --format with one of .*",
          new=(2 + 2 + 3 + 1 + 1, 2 + 2 + 1 + 1, 1 + 2), loads=("ok", "ok", "ok", "ok", "ok"),
          facts=(("SELECT format FROM loads WHERE starts_with(path, $dir) ORDER BY path",
                  [("reddit",), ("twitter-v2",), ("edges-csv",), ("mastodon",), ("bluesky",)]),)),
        K("slack_bad_member", "slack", "a Slack export folder with one day file that is not valid JSON",
          files(_SLACK), ("slack",), "that file is one reject naming its member path and line; the rest loads",
          counts=(5, 4, 1),
          rejects=(("slack/general/2024-01-02.json", 5,
                    "invalid JSON: Expecting ',' delimiter (column 9)"),),
          new=(2, 2, 1), loads=("ok",)),
        K("not_an_export", "any", "a plain text file", text_file("notes.txt", "just some notes\nnothing to see\n"),
          ("notes.txt",), "exit 2: cannot tell the format",
          exit=2, message=r"workbench load: error: {dir}/notes\.txt: cannot tell the export format "
                          r"\(first line starts 'just some notes'\); pass --format with one of .*"),
        K("empty_file", "any", "a file of zero bytes", text_file("empty.jsonl", ""), ("empty.jsonl",),
          "exit 2", exit=2, message=r"workbench load: error: {dir}/empty\.jsonl: the file is empty: no record to load"),
        K("changes_while_read", "twitter-v2", "a file that changes while it is read: the test appends one and a "
          "half records after the first 4 KB block, or cuts the file to 10,000 bytes (mid-record)",
          text_file("growing.jsonl", lines([tweet_v2(i) for i in range(200)])), ("growing.jsonl",),
          "the load is what was read: loads.sha256 and bytes are those of the bytes read; the cut line is "
          "rejected, never half loaded", extra={"special": True}),
    ]


KINDS: list[Kind] = _kinds()
