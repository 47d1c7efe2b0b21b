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

A parameter may have a default, given by a ``-- default:`` line among the comment lines after the
doc line, or before the file's first ``-- name:`` line for every query of the file that takes it::

    -- default: since = NULL
    -- default: period = 'week'
    -- default: kinds = DEFAULT_KINDS

A default is ``NULL`` (None: for ``since``/``until`` an open bound, for ``run_id`` no communities),
``true``/``false``, a number, a quoted text or list (Python literal syntax), or ``DEFAULT_KINDS``
(the interaction kinds of :data:`workbench.checks.DEFAULT_KINDS`). A parameter left out takes its
default; one without a default must be given. :func:`names` lists the queries with their doc lines
and parameters.

Examples
--------
>>> from workbench import sql
>>> q = sql.get("info.tables")
>>> q.name
'info.tables'
>>> sql.get("metrics.engagement").signature()
"period='week', run_id=NULL, since=NULL, until=NULL"
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from workbench import resources
from workbench.errors import ParameterError, QueryError

__all__ = ["Query", "QUERIES_DIR", "get", "names", "bind", "default_value", "check_identifier", "quote_identifier"]

QUERIES_DIR = resources.folder("queries")

_NAME_LINE = re.compile(r"^--\s*name:\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*$", re.MULTILINE)
# $name outside of string literals and comments; the literal/comment alternatives are matched first
# and skipped, so a '$x' inside quotes is never taken for a parameter.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|\$([A-Za-z_][A-Za-z0-9_]*)", re.DOTALL)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DEFAULT_LINE = re.compile(r"^--\s*default:\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
#: Default values that are names rather than literals.
_NAMED_DEFAULTS = ("NULL", "true", "false", "DEFAULT_KINDS")


@dataclass(frozen=True)
class Query:
    """One named query: its SQL text, doc line and the parameters it binds."""

    name: str
    doc: str
    text: str
    params: frozenset[str]
    path: Path
    #: Parameters that may be left out, with the value they then take (as written: see :func:`default_value`).
    defaults: Mapping[str, str] = field(default_factory=dict)

    def bind(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Check ``params`` against the query's parameters; return the dict to bind."""
        return bind(self, params)

    def signature(self) -> str:
        """The parameters, required first, then those with their default: ``limit=10``."""
        required = sorted(self.params - set(self.defaults))
        optional = [f"{name}={self.defaults[name]}" for name in sorted(self.defaults)]
        return ", ".join(required + optional)


def default_value(written: str) -> Any:
    """The Python value of a ``-- default:`` value: ``NULL`` -> None, ``DEFAULT_KINDS`` -> the kinds, ...

    >>> default_value("NULL"), default_value("'week'"), default_value("10"), default_value("DEFAULT_KINDS")[:2]
    (None, 'week', 10, ['reply', 'mention'])
    """
    if written == "NULL":
        return None
    if written in ("true", "false"):
        return written == "true"
    if written == "DEFAULT_KINDS":
        from workbench.checks import DEFAULT_KINDS

        return list(DEFAULT_KINDS)
    return ast.literal_eval(written)


def _defaults(lines: list[str], path: Path, where: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        m = _DEFAULT_LINE.match(line.strip())
        if not m:
            continue
        name, written = m.groups()
        try:
            if written not in _NAMED_DEFAULTS:
                ast.literal_eval(written)
        except (ValueError, SyntaxError):
            raise QueryError(f"{path}: {where}: default of {name} is {written!r}; expected NULL, true, false, "
                             "a number, a quoted text or list, or DEFAULT_KINDS") from None
        found[name] = written
    return found


def _parameters(text: str) -> frozenset[str]:
    return frozenset(m.group(1) for m in _TOKENS.finditer(text) if m.group(1))


def _parse_file(path: Path, namespace: str) -> dict[str, Query]:
    content = path.read_text(encoding="utf-8")
    matches = list(_NAME_LINE.finditer(content))
    found: dict[str, Query] = {}
    if not matches:
        raise QueryError(f"{path}: no '-- name:' line; every query file names its queries")
    file_defaults = _defaults(content[:matches[0].start()].splitlines(), path, "file header")
    used_file_defaults: set[str] = set()
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(content)
        body = content[m.end():end].strip("\n")
        lines = body.splitlines()
        doc = ""
        if lines and lines[0].lstrip().startswith("--"):
            doc = lines[0].lstrip()[2:].strip()
        header = []
        for line in lines:
            if not line.lstrip().startswith("--"):
                break
            header.append(line)
        text = body.strip()
        full = ".".join(p for p in (namespace, m.group(1)) if p)
        if full in found:
            raise QueryError(f"{path}: query {full!r} is defined twice")
        params = _parameters(text)
        own = _defaults(header, path, full)
        unknown = sorted(set(own) - params)
        if unknown:
            raise QueryError(f"{path}: query {full!r} has a default for {', '.join(unknown)}, which it does not take")
        defaults = {k: v for k, v in file_defaults.items() if k in params}
        used_file_defaults.update(defaults)
        defaults.update(own)
        found[full] = Query(full, doc, text, params, path, defaults)
    unused = sorted(set(file_defaults) - used_file_defaults)
    if unused:
        raise QueryError(f"{path}: the file header gives a default for {', '.join(unused)}, which no query takes")
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


def names(namespace: str | None = None, *, details: bool = False, root: Path | None = None) -> Any:
    """The named queries, sorted: their names, or with ``details=True`` a table of what each does and takes.

    Parameters
    ----------
    namespace : str, optional
        Only the queries of this folder (``"metrics"``, ``"explore"``, ``"info"``, ...).
    details : bool
        Return a DataFrame with columns ``name``, ``doc`` (the doc line) and ``parameters``
        (required ones first, then ``name=default``) instead of the list of names.

    Examples
    --------
    >>> "info.tables" in names()
    True
    >>> names("info")
    ['info.interaction_kinds', 'info.last_loads', 'info.platforms', 'info.tables']
    >>> names("info", details=True).set_index("name").loc["info.last_loads", "parameters"]
    'limit=10'
    """
    catalogue = _catalogue(str(root or QUERIES_DIR))
    chosen = sorted(n for n in catalogue if namespace is None or n.startswith(namespace.rstrip(".") + "."))
    if not details:
        return chosen
    import pandas as pd

    return pd.DataFrame({"name": chosen, "doc": [catalogue[n].doc for n in chosen],
                         "parameters": [catalogue[n].signature() for n in chosen]})


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
    """Check ``params`` against the query's parameters and fill in the defaults of those left out.

    A missing parameter without a default, or an unexpected one, raises :class:`QueryError` naming it.

    >>> bind(get("info.last_loads"), {})
    {'limit': 10}
    """
    given = set(params)
    missing = sorted(query.params - given - set(query.defaults))
    extra = sorted(given - query.params)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing parameter(s) {', '.join(missing)}")
        if extra:
            parts.append(f"unexpected parameter(s) {', '.join(extra)}")
        expected = query.signature() or "none"
        raise QueryError(f"query {query.name!r}: {'; '.join(parts)} (expects: {expected})")
    return {k: params[k] if k in given else default_value(query.defaults[k]) for k in query.params}


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
