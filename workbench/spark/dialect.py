"""The named DuckDB queries of ``queries/``, transpiled for Spark SQL with sqlglot.

There is one copy of the loading logic: the DuckDB-dialect SQL in ``queries/``. This module
parses it with sqlglot (``read="duckdb"``), applies a few function-level rewrites where sqlglot
does not map a DuckDB function to its Spark equivalent, and prints Spark SQL. The rewrites are
generic (a function for a function), never a rewrite of a query's logic:

============================  ======================================================
DuckDB                        Spark
============================  ======================================================
``list[i]`` (1-based)         ``try_element_at(list, i)`` (sqlglot shifts only literal
                              indices; a computed index such as ``v[source_col]`` would
                              be off by one)
``list_position(l, x)``       ``nullif(array_position(l, x), 0)`` (DuckDB: NULL when
                              absent; Spark: 0)
``len(list)``                 ``size(list)`` (sqlglot reads ``len`` and ``length`` alike)
``regexp_split_to_array``     ``split`` (Java regex)
``to_timestamp(seconds)``     ``timestamp_seconds`` (keeps fractions of a second)
``epoch_us(t)``               ``unix_micros(t)``
``try_strptime(s, fmt)``      ``try_to_timestamp(s, java_fmt)``; a leading ``%a, `` (day
                              name) is cut from the value, as Spark cannot parse day names
``isfinite(t)``               ``t IS NOT NULL`` (Spark has no infinite timestamps)
``FROM t, generate_series()`` ``LATERAL VIEW explode(sequence(...))``
``$name``                     ``:name`` (Spark named parameters, bound, never formatted)
============================  ======================================================

Statements are returned as :class:`Statement` objects; :mod:`workbench.spark.runner` runs them
against temp views (``CREATE TEMP TABLE`` becomes a cached view, ``INSERT INTO stage_x``
a DataFrame appended to that staging table). Statements Spark cannot run on temp views
(``UPDATE``, ``DELETE``, ``ALTER``, ``CREATE MACRO``) raise :class:`SparkUnsupportedError`
naming the query and the statement: that format then cannot be loaded with Spark.

Examples
--------
>>> from workbench.spark.dialect import transpile
>>> transpile("SELECT list_position(['a', 'b'], $x) AS p, len(['a']) AS n")
"SELECT NULLIF(ARRAY_POSITION(ARRAY('a', 'b'), :x), 0) AS p, SIZE(ARRAY('a')) AS n"
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from workbench import sql as sql_module
from workbench.errors import WorkbenchError

__all__ = ["Statement", "SparkUnsupportedError", "transpile", "statements", "java_datetime_format"]


class SparkUnsupportedError(WorkbenchError, NotImplementedError):
    """A query uses a statement or function that has no Spark equivalent on temp views."""


@dataclass(frozen=True)
class Statement:
    """One transpiled statement.

    ``action`` is ``"view"`` (create temp view ``target`` from ``sql``), ``"insert"`` (append the
    rows of ``sql`` to staging table ``target``, into ``columns`` or all columns in order),
    ``"drop"`` (drop view ``target``) or ``"select"`` (a result).
    """

    action: str
    target: str | None
    sql: str
    columns: tuple[str, ...] | None
    params: frozenset[str]


_LEN_CALL = re.compile(r"\blen\s*\(", re.IGNORECASE)
_PARAM_PREFIX = "__p_"
_STRFTIME_TO_JAVA = {"%Y": "yyyy", "%y": "yy", "%m": "MM", "%d": "d", "%H": "HH", "%M": "mm", "%S": "ss",
                     "%z": "Z", "%b": "MMM", "%f": "SSSSSS"}


def java_datetime_format(strftime: str) -> tuple[str, bool]:
    """A DuckDB (strftime) format as a Spark datetime pattern; True when a leading day name is cut.

    >>> java_datetime_format('%a, %d %b %Y %H:%M:%S %z')
    ('d MMM yyyy HH:mm:ss Z', True)
    """
    skip_day = strftime.startswith("%a, ")
    rest = strftime[4:] if skip_day else strftime
    out, i = [], 0
    while i < len(rest):
        token = rest[i:i + 2]
        if token in _STRFTIME_TO_JAVA:
            out.append(_STRFTIME_TO_JAVA[token])
            i += 2
        elif token.startswith("%"):
            raise SparkUnsupportedError(f"no Spark datetime pattern for {token!r} in {strftime!r}")
        else:
            char = rest[i]
            out.append(f"'{char}'" if char.isalpha() else char)
            i += 1
    return "".join(out), skip_day


def _function(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _rewrite(node: exp.Expression) -> exp.Expression:
    """One DuckDB node as its Spark equivalent (see the module table); other nodes unchanged."""
    if isinstance(node, exp.Column) and not node.table and node.name.startswith(_PARAM_PREFIX):
        return exp.Placeholder(this=node.name[len(_PARAM_PREFIX):])
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1:
        index = node.expressions[0]
        if isinstance(index, exp.Literal) and index.is_string:
            return node  # a struct or map key
        # sqlglot stored a literal index 0-based already; anything computed is still DuckDB's 1-based
        one_based = (exp.Literal.number(int(index.this) + 1) if isinstance(index, exp.Literal)
                     else exp.Cast(this=index, to=exp.DataType.build("INT")))  # Spark indexes with INT
        return _function("try_element_at", node.this, one_based)
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        args = node.expressions
        if name == "list_position":
            return exp.Nullif(this=_function("array_position", *args), expression=exp.Literal.number(0))
        if name == "__list_len":
            return _function("size", *args)
        if name == "regexp_split_to_array":
            return _function("split", *args)
        if name == "epoch_us":
            return _function("unix_micros", *args)
        if name == "isfinite":
            return exp.Not(this=exp.Is(this=args[0], expression=exp.Null()))
        if name == "try_strptime":
            value, fmt = args
            if not (isinstance(fmt, exp.Literal) and fmt.is_string):
                raise SparkUnsupportedError("try_strptime needs a literal format to run on Spark")
            pattern, skip_day = java_datetime_format(fmt.this)
            if skip_day:
                value = _function("regexp_replace", value, exp.Literal.string(r"^[A-Za-z]+,\s*"),
                                  exp.Literal.string(""))
            return _function("try_to_timestamp", value, exp.Literal.string(pattern))
    if isinstance(node, exp.UnixToTime) and node.args.get("format") is None and node.args.get("scale") is None:
        return _function("timestamp_seconds", node.this)
    if isinstance(node, exp.Select):
        _series_to_lateral(node)
    return node


def _series_to_lateral(select: exp.Select) -> None:
    """``FROM t, generate_series(a, b) AS s(x)`` -> ``FROM t LATERAL VIEW explode(sequence(a, b)) s AS x``."""
    for join in list(select.args.get("joins") or []):
        table = join.this
        if isinstance(table, exp.Table) and isinstance(table.this, exp.GenerateSeries) and not join.args.get("on"):
            series = table.this
            alias = table.args.get("alias")
            columns = alias.columns if alias else []
            if len(columns) != 1:
                raise SparkUnsupportedError("generate_series in FROM needs an alias with one column, as s(x)")
            explode = exp.Explode(this=_function("sequence", series.args["start"], series.args["end"]))
            lateral = exp.Lateral(this=explode, view=True,
                                  alias=exp.TableAlias(this=exp.to_identifier(alias.name), columns=columns))
            join.pop()
            select.append("laterals", lateral)


def _prepare(text: str) -> str:
    """DuckDB text ready for sqlglot: ``$name`` as a placeholder column, ``len(`` told apart from ``length(``."""
    def swap(match: re.Match) -> str:
        if match.group(1):
            return _PARAM_PREFIX + match.group(1)
        return match.group(0)
    text = sql_module._TOKENS.sub(swap, text)
    # `len(` outside literals: the string literals of these queries never contain it
    return _LEN_CALL.sub("__list_len(", text)


def transpile(text: str) -> str:
    """One DuckDB statement as Spark SQL (see the module docstring for the rewrites)."""
    tree = sqlglot.parse_one(_prepare(text), read="duckdb")
    return _to_spark(tree)


def _apply(tree: exp.Expression) -> exp.Expression:
    """Rewrite every node, children before their parents (reversed breadth-first order)."""
    tree = tree.copy()
    for node in reversed(list(tree.walk(bfs=True))):
        new = _rewrite(node)
        if new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
    return tree


def _to_spark(tree: exp.Expression) -> str:
    tree = _apply(tree)
    return tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE, comments=False)


def _statement(tree: exp.Expression, query: str) -> Statement:
    params = frozenset(p.name for p in _apply(tree).find_all(exp.Placeholder))
    if isinstance(tree, exp.Create):
        kind = (tree.args.get("kind") or "").upper()
        if kind in ("TABLE", "VIEW") and isinstance(tree.expression, exp.Query):
            return Statement("view", tree.this.name, _to_spark(tree.expression), None, params)
        raise SparkUnsupportedError(f"{query}: CREATE {kind} has no Spark equivalent on temp views")
    if isinstance(tree, exp.Insert):
        target = tree.this
        columns = None
        if isinstance(target, exp.Schema):
            columns = tuple(c.name for c in target.expressions)
            target = target.this
        body = tree.expression
        cte = tree.args.get("with_") or tree.args.get("with")
        if cte is not None:
            body = body.copy()
            body.set("with_" if "with_" in body.arg_types else "with", cte.copy())
        return Statement("insert", target.name, _to_spark(body), columns, params)
    if isinstance(tree, exp.Drop):
        table = tree.this if tree.this is not None else (tree.args.get("tables") or [None])[0]
        return Statement("drop", table.name, "", None, params)
    if isinstance(tree, exp.Query):
        return Statement("select", None, _to_spark(tree), None, params)
    first = tree.sql(dialect="duckdb")[:60]
    raise SparkUnsupportedError(f"{query}: the statement {first!r}... cannot run on Spark "
                                "(temp views cannot be updated, deleted from or altered)")


@functools.lru_cache(maxsize=64)
def statements(name: str) -> tuple[Statement, ...]:
    """The statements of the named query ``name`` (e.g. ``"ingest.edges_csv_stage"``) for Spark.

    Raises :class:`SparkUnsupportedError` when one cannot run on Spark.
    """
    query = sql_module.get(name)
    try:
        trees = sqlglot.parse(_prepare(query.text), read="duckdb")
    except sqlglot.errors.SqlglotError as error:
        raise SparkUnsupportedError(f"{name}: sqlglot cannot read this DuckDB SQL ({error})") from None
    try:
        return tuple(_statement(tree, name) for tree in trees if tree is not None)
    except sqlglot.errors.SqlglotError as error:
        raise SparkUnsupportedError(f"{name}: no Spark equivalent ({error})") from None
