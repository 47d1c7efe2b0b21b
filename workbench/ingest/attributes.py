"""Account attributes: ground truth and other labels a researcher brings, as CSV, TSV or SNAP label files.

Not an export of interactions: the file names accounts already in the workspace and gives each some
values (a faction, a department, a political leaning), which land in ``account_attributes(account_id,
name, value)``. Load it with ``workbench attributes import FILE`` or
:func:`workbench.attributes.import_file`; it is never detected automatically.

Layouts
-------
- **With a header** (CSV, TSV, ``;``-separated; quoting as in edge lists): the id column is
  ``id_column`` (``--id-column``; default the first column) and every other column is an
  attribute named by its header, in lower case (``account,Faction`` gives ``faction``).
- **Without a header** (SNAP ``email-Eu-core-department-labels.txt``, ``karate.clusters``):
  ``id value`` per line, separated by whitespace, a tab or a comma; the attribute is ``name``
  (``--name``, default ``label``). Lines starting with ``%`` or ``#`` are comments.

The first line that is not a comment is a header when ``id_column`` is given, or when its first field
is not a number and names no account of the workspace.

Ids
---
Each id is matched to an account of the workspace: its account id (``csv:12``), else the
platform's raw id (``12`` is ``csv:12``, ``twitter:12``), else its handle; with ``platform``
(``--platform``) only that platform's accounts are candidates. An id that matches no account, or
two accounts at its best match (a handle on two platforms), is a reject naming it, and so is a
second line for the same account, a ragged or malformed line and an empty id. An empty cell sets
nothing. A later import of the same attribute name replaces an account's earlier value.
"""

from __future__ import annotations

from typing import Any

from workbench.errors import ExportFormatError, ParameterError

__all__ = ["NAME", "PLATFORM", "LAYOUT", "DEFAULT_NAME", "sniff", "stage"]

NAME = "attributes"
#: No platform of its own: ``platform=`` restricts which accounts its ids may name.
PLATFORM = None
LAYOUT = "lines"
#: The attribute name of a header-less ``id value`` file when none is given.
DEFAULT_NAME = "label"


def sniff(sample: Any) -> bool:
    """Never: an attribute file looks like any CSV, so it is only loaded when asked for.

    >>> sniff(None)
    False
    """
    return False


def _check_name(name: str) -> str:
    name = name.strip().lower()
    if not name or len(name) > 64 or any(ord(ch) < 32 for ch in name):
        raise ParameterError(f"an attribute name is 1 to 64 printable characters, got {name!r}")
    return name


def stage(ctx: Any) -> None:
    """Fill ``stage_attributes`` (and ``stage_rejects``) from ``raw_lines`` (``queries/ingest/attributes.sql``).

    Parameters
    ----------
    ctx : workbench.ingest.pipeline.StageContext
        ``ctx.options`` may hold ``id_column`` (a header name) and ``name`` (the attribute of a
        header-less file); ``ctx.platform`` restricts the accounts ids are matched against.
    """
    id_column = ctx.options.get("id_column")
    name = ctx.options.get("name")
    ctx.run("ingest.attributes_layout", id_column=id_column)
    row = ctx.scalar("SELECT {'header': has_header, 'names': names} FROM attr_layout")
    if row is None:
        raise ExportFormatError("the file holds only comments: no attribute to import", path=ctx.path)
    if row["header"]:
        names = row["names"]
        if id_column is not None and id_column.strip().lower() not in names:
            raise ExportFormatError(f"no column {id_column!r} in the header; the columns are "
                                    f"{', '.join(names)}", path=ctx.path, line_no=1)
        if name is not None:
            raise ParameterError("name= (--name) is for files without a header; this file's header names its "
                                 f"columns ({', '.join(names)})")
        attribute_names = [n for n in names if n != (id_column or names[0]).strip().lower()]
        if not attribute_names:
            raise ExportFormatError("the header names only the id column: no attribute to import",
                                    path=ctx.path, line_no=1)
        repeated = sorted({n for n in attribute_names if n and attribute_names.count(n) > 1})
        if repeated:
            raise ExportFormatError(f"the header names column(s) {', '.join(repeated)} twice", path=ctx.path, line_no=1)
        for attribute in attribute_names:
            if attribute:
                _check_name(attribute)
        name = DEFAULT_NAME  # unused with a header, bound all the same
    else:
        name = _check_name(name or DEFAULT_NAME)
    ctx.run("ingest.attributes_stage", id_column=id_column, attribute_name=name)
    ctx.records_read = int(ctx.run("ingest.attributes_records").fetchone()[0])
    ctx.run("ingest.attributes_cleanup")
