"""Shared steps of the chat-export loaders (:mod:`~workbench.ingest.discord`, :mod:`~workbench.ingest.slack`).

Their files are JSON documents whose records are the elements of an array, so
a bad record has no line of its own the way a JSON-lines record has. These
helpers give it one: the line where the record starts in the pretty-printed
document (``queries/ingest/chat.sql``), or, for a document that is not JSON at
all, the line where parsing fails. They also resolve replies whose parent
message arrives in a later load than the reply.

Tables the format SQL fills before calling :func:`reject_bad_records`:
``chat_docs(member, doc, depth, n_elements)``,
``chat_bad_records(member, idx, reason, raw)`` and
``chat_invalid_docs(member, doc)`` (documents that are not valid JSON).
"""

from __future__ import annotations

import json

__all__ = ["prepare", "json_error_location", "reject_bad_records", "resolve_replies", "RAW_CHARS"]

RAW_CHARS = 2000


def json_error_location(text: str) -> tuple[int, str, str]:
    """Where and why ``text`` is not JSON: ``(line_no, reason, offending line)``.

    Parameters
    ----------
    text : str
        A document that DuckDB found invalid.

    Returns
    -------
    tuple
        The 1-based line, a reason such as ``"invalid JSON: Expecting ',' delimiter
        (column 5)"``, and the text of that line (shortened).

    Examples
    --------
    >>> json_error_location('[\\n  {"a": 1}\\n  {"b": 2}\\n]')[:2]
    (3, "invalid JSON: Expecting ',' delimiter (column 3)")
    >>> json_error_location('{\\n  "text": "cut')[:2]
    (2, 'invalid JSON: Unterminated string starting at column 11')
    """
    try:
        json.loads(text)
    except RecursionError:
        return 1, "invalid JSON (nested too deeply to find the line)", text[:RAW_CHARS]
    except ValueError as error:
        line_no = getattr(error, "lineno", 1)
        column = getattr(error, "colno", None)
        message = getattr(error, "msg", str(error))
        if column is None:
            where = ""
        elif message.endswith(" at"):  # "Unterminated string starting at" reads on into the column
            where = f" column {column}"
        else:
            where = f" (column {column})"
        lines = text.split("\n")
        shown = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
        return line_no, f"invalid JSON: {message}{where}", shown[:RAW_CHARS]
    # DuckDB refused what Python accepts (NaN, a lone surrogate, ...): the document as a whole is at fault
    return 1, "invalid JSON", text[:RAW_CHARS]


def prepare(ctx) -> None:
    """Create the SQL macros the chat loaders' queries use; call before running them."""
    ctx.run("ingest.chat_prepare")


def reject_bad_records(ctx) -> None:
    """Turn ``chat_invalid_docs`` and ``chat_bad_records`` into ``stage_rejects`` rows with line numbers.

    Parameters
    ----------
    ctx : StageContext
        The loader's stage context.
    """
    invalid = ctx.sql("SELECT member, doc FROM chat_invalid_docs ORDER BY member").fetchall()
    for member, doc in invalid:  # rare path: one iteration per document that is not JSON at all
        line_no, reason, raw = json_error_location(doc)
        ctx.sql("INSERT INTO stage_rejects (line_no, reason, member, raw) VALUES ($line_no, $reason, $member, $raw)",
                line_no=line_no, reason=reason, member=member, raw=raw)
    ctx.run("ingest.chat_reject_records")


def resolve_replies(ctx) -> None:
    """Add the reply interactions of earlier-loaded replies whose parent message this load brought.

    Parameters
    ----------
    ctx : StageContext
        The loader's context, after the merge.
    """
    ctx.run("ingest.chat_resolve_replies")
