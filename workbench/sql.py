"""Named SQL queries, loaded from the ``queries/`` folder.

A query file holds one or more queries, each introduced by a name line and a
doc line (the aiosql convention)::

    -- name: applause_rate
    -- Likes per original post, per period.
    SELECT ... WHERE created_at >= $since

Folders are namespaces: ``-- name: engagement`` in any file of
``queries/metrics/`` defines ``metrics.engagement``. Values are always bound as DuckDB named parameters
(``$since``); identifiers (table or column names) never come from values, and
when one must vary it goes through :func:`check_identifier` and an allow-list.

Examples
--------
>>> from workbench import sql
>>> q = sql.get("info.tables")
>>> q.name
'info.tables'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from workbench import resources
from workbench.errors import ParameterError, QueryError

__all__ = ["Query", "QUERIES_DIR", "get", "names", "bind", "check_identifier", "quote_identifier"]

QUERIES_DIR = resources.folder("queries")

_NAME_LINE = re.compile(r"^--\s*name:\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*$", re.MULTILINE)
# $name outside of string literals and comments; the literal/comment alternatives are matched first
# and skipped, so a '$x' inside quotes is never taken for a parameter.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|\$([A-Za-z_][A-Za-z0-9_]*)", re.DOTALL)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Query:
    """One named query: its SQL text, doc line and the parameters it binds."""

    name: str
    doc: str
    text: str
    params: frozenset[str]
    path: Path

    def bind(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Check ``params`` against the query's parameters; return the dict to bind."""
        return bind(self, params)


def _parameters(text: str) -> frozenset[str]:
    return frozenset(m.group(1) for m in _TOKENS.finditer(text) if m.group(1))


def _parse_file(path: Path, namespace: str) -> dict[str, Query]:
    content = path.read_text(encoding="utf-8")
    matches = list(_NAME_LINE.finditer(content))
    found: dict[str, Query] = {}
    if not matches:
        raise QueryError(f"{path}: no '-- name:' line; every query file names its queries")
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(content)
        body = content[m.end():end].strip("\n")
        lines = body.splitlines()
        doc = ""
        if lines and lines[0].lstrip().startswith("--"):
            doc = lines[0].lstrip()[2:].strip()
        text = body.strip()
        full = ".".join(p for p in (namespace, m.group(1)) if p)
        if full in found:
            raise QueryError(f"{path}: query {full!r} is defined twice")
        found[full] = Query(full, doc, text, _parameters(text), path)
    return found


@functools.lru_cache(maxsize=4)
def _catalogue(root: str) -> dict[str, Query]:
    base = Path(root)
    catalogue: dict[str, Query] = {}
    for path in sorted(base.rglob("*.sql")):
        if path.name == "schema.sql" and path.parent == base:
            continue
        namespace = ".".join(path.relative_to(base).parent.parts)
        for name, query in _parse_file(path, namespace).items():
            if name in catalogue:
                raise QueryError(f"query {name!r} is defined twice: {catalogue[name].path} and {path}")
            catalogue[name] = query
    return catalogue


def names(root: Path | None = None) -> list[str]:
    """All query names, sorted.

    >>> "info.tables" in names()
    True
    """
    return sorted(_catalogue(str(root or QUERIES_DIR)))


def get(name: str, root: Path | None = None) -> Query:
    """The query called ``name``; a clear :class:`QueryError` when there is none."""
    catalogue = _catalogue(str(root or QUERIES_DIR))
    try:
        return catalogue[name]
    except KeyError:
        close = [n for n in catalogue if n.split(".")[-1] == name.split(".")[-1] or n.startswith(name)]
        hint = f"; did you mean {', '.join(sorted(close)[:5])}?" if close else ""
        raise QueryError(f"no query named {name!r}{hint} (queries live in {root or QUERIES_DIR})") from None


def bind(query: Query, params: Mapping[str, Any]) -> dict[str, Any]:
    """Check that ``params`` are exactly the query's parameters.

    A missing or an unexpected parameter raises :class:`QueryError` naming it.
    """
    given = set(params)
    missing = sorted(query.params - given)
    extra = sorted(given - query.params)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing parameter(s) {', '.join(missing)}")
        if extra:
            parts.append(f"unexpected parameter(s) {', '.join(extra)}")
        expected = ", ".join(sorted(query.params)) or "none"
        raise QueryError(f"query {query.name!r}: {'; '.join(parts)} (expects: {expected})")
    return {k: params[k] for k in query.params}


def check_identifier(name: str, allowed: Iterable[str], *, what: str = "identifier") -> str:
    """Return ``name`` if it is one of ``allowed``; raise :class:`ParameterError` naming the allowed values.

    >>> check_identifier("week", ["day", "week", "month"], what="period")
    'week'
    """
    allowed = list(allowed)
    if name not in allowed:
        raise ParameterError(f"{what} must be one of {', '.join(map(str, allowed))}; got {name!r}")
    return name


def quote_identifier(name: str, allowed: Iterable[str]) -> str:
    """Quote an identifier that has passed the allow-list, for the rare SQL that needs one."""
    check_identifier(name, allowed)
    if not _IDENTIFIER.match(name):
        raise ParameterError(f"{name!r} is not a plain SQL identifier")
    return '"' + name + '"'
