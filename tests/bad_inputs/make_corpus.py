"""Write the bad-input corpus: one small folder of hostile or malformed exports per kind.

Usage::

    python tests/bad_inputs/make_corpus.py OUT_DIR          # write every kind into OUT_DIR/<kind>/
    python tests/bad_inputs/make_corpus.py --table          # print the README table of kinds and outcomes

The output is deterministic (no clock, no randomness): the same bytes on every run. Nothing it
writes is committed; ``tests/test_bad_inputs.py`` generates the corpus into a temporary folder and
runs every kind through ``workbench load``, asserting the outcome each :class:`Kind` of :data:`KINDS`
states: the exit code, the one-line error message (exit 2), the report's read / loaded / rejected
counts, every row of the ``rejects`` table (path, line, reason), the new rows and the ``loads`` statuses.
The kinds live in ``corpus_files.py`` (bytes, files, containers) and ``corpus_values.py`` (record
contents); the valid records they break in ``corpus_records.py``.

Ids in the corpus never collide with the test's baseline workspace (the bundled tiny export and a
three-row edge list), so "the earlier data is unchanged" can be checked row by row.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus_files
import corpus_values
from corpus_records import Kind

__all__ = ["Kind", "KINDS", "write_corpus", "readme_table", "HUGE_LINE_BYTES"]

HUGE_LINE_BYTES = corpus_files.HUGE_LINE_BYTES
KINDS: list[Kind] = corpus_files.KINDS + corpus_values.KINDS
assert len({kind.name for kind in KINDS}) == len(KINDS), "kind names must be unique"


def write_corpus(out: str | os.PathLike, *, names: list[str] | None = None) -> Path:
    """Write every kind (or those in ``names``) into ``out/<kind>/``; return ``out``."""
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        if names is not None and kind.name not in names:
            continue
        folder = root / kind.name
        folder.mkdir(exist_ok=True)
        kind.write(folder)
    return root


def _readable(pattern: str) -> str:
    """A message pattern as a person reads it: the folder dropped, regex escapes undone."""
    import re

    text = pattern.replace(r"workbench load: error: {dir}/", "").replace("{dir}/", "")
    text = text.replace(r"\d+", "N").replace(".*", "…").replace(".+", "…")
    text = re.sub(r"n\{(\d+)\}", lambda m: "n" * 3 + f"…({m.group(1)} n)", text)
    return re.sub(r"\\(.)", r"\1", text)


def readme_table() -> str:
    """The Markdown table of kinds and expected outcomes (the one in README.md)."""
    rows = ["| kind | formats | bad input | expected outcome | exit | message (exit 2) or rejects (line: reason) |",
            "|---|---|---|---|---|---|"]
    for kind in KINDS:
        outcome = kind.outcome
        if kind.extra.get("xfail"):
            outcome += " (**fails today**: " + kind.extra["xfail"] + ")"
        if kind.extra.get("any_reason"):
            outcome += " (the reason's wording is the loader's choice)"
        if kind.message:
            detail = f"`{_readable(kind.message)}`"
        else:
            detail = "<br>".join(f"{path} {line}: `{reason}`" for path, line, reason in kind.rejects) or "none"
        exit_code = "0" if kind.exit == 0 else str(kind.exit)
        if kind.extra.get("special"):
            exit_code, detail = "0", "the cut line: `invalid JSON (a truncated or malformed line)`"
        cells = [f"`{kind.name}`", kind.formats, kind.what, outcome, exit_code, detail]
        rows.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", help="folder to write the corpus into")
    parser.add_argument("--table", action="store_true", help="print the README table of kinds and outcomes")
    args = parser.parse_args(argv)
    if args.table:
        sys.stdout.write(readme_table())
        return 0
    if not args.out:
        parser.error("give an output folder, or --table")
    write_corpus(args.out)
    print(f"wrote {len(KINDS)} kinds into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
