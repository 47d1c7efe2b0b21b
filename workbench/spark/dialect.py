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
``try_strptime(s, fmt)``      ``try_to_timestamp(s, java_fmt)``; a leading ``%a, `` or ``%a ``
                              (day name) is cut from the value, as Spark cannot parse day names
``isfinite(t)``               ``t IS NOT NULL`` (Spark has no infinite timestamps)
``FROM t, generate_series()`` ``LATERAL VIEW explode(sequence(...))``
``$name``                     ``:name`` (Spark named parameters, bound, never formatted)
``epoch_ms(t)``               ``unix_millis(t)`` (the timestamp -> milliseconds form; DuckDB's
                              ``epoch_ms(integer)`` -> timestamp is not supported)
``regexp_full_match(s, 'p')`` ``s RLIKE '^(?:p)\\z'`` (a literal pattern; ``\\z``, as Java's
                              ``$`` also matches before a final newline)
``CREATE MACRO m(a) AS e``    no statement: later statements of the same named query get every
                              call ``m(x)`` replaced by ``e`` with ``x`` for ``a`` (also as the
                              first part of a column: ``a.f.g`` becomes ``x.f.g``)
``SELECT unnest({'k': e})``   ``SELECT e AS k, ...``: a struct literal unnested in a select list
                              (after macro inlining) becomes its fields as aliased columns
``json_transform(x, structure)`` ``from_json(x, ddl)`` with the structure's types as Spark DDL
                              ("JSON" leaves are VARIANTs); NULL where ``try_parse_json``
                              finds invalid JSON or JSON null, as DuckDB's ``TRY()`` gives
``json_transform(x, $param)`` as above with the structure bound to ``$param`` put in as a literal
                              when the statements are made (:func:`statements` ``structures``;
                              a DDL schema cannot be a bound parameter)
``json_transform(x, '[...]')`` ``from_json(x, 'ARRAY<...>')``: a top-level array structure
``x::JSON``                   ``try_parse_json(x)`` (a VARIANT)
``json_type(v)``              DuckDB's type names from ``schema_of_variant(v)``; a JSON null
                              *field* read by from_json is a VARIANT null there (``IS NULL``
                              is false) where DuckDB has SQL NULL: test ``json_type(v)``
                              (NULL on both) rather than ``v IS NULL``
``json_valid(x)``             ``try_parse_json(x) IS NOT NULL``
``v ->> path``                ``try_variant_get(v, path, 'string')``
``TRY(e)``                    ``e`` for the JSON expressions above (already NULL where DuckDB's
                              TRY gives NULL); any other TRY() is refused
============================  ======================================================

Statements are returned as :class:`Statement` objects; :mod:`workbench.spark.runner` runs them
against temp views (``CREATE TEMP TABLE`` becomes a cached view, ``INSERT INTO stage_x``
a DataFrame appended to that staging table). Statements Spark cannot run on temp views
(``UPDATE``, ``DELETE``, ``ALTER``; a table macro) raise :class:`SparkUnsupportedError`
naming the query and the statement: that format then cannot be loaded with Spark.

Examples
--------
>>> from workbench.spark.dialect import transpile
>>> transpile("SELECT list_position(['a', 'b'], $x) AS p, len(['a']) AS n")
"SELECT NULLIF(ARRAY_POSITION(ARRAY('a', 'b'), :x), 0) AS p, SIZE(ARRAY('a')) AS n"
"""

from __future__ import annotations

import functools
import json
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

    A leading day name (``%a, `` as in RFC 2822, or ``%a `` as in Twitter v1.1's
    ``Wed Oct 10 20:19:24 +0000 2018``) is cut: Spark cannot parse day names, so the caller cuts the
    value's leading word too.

    >>> java_datetime_format('%a, %d %b %Y %H:%M:%S %z')
    ('d MMM yyyy HH:mm:ss Z', True)
    >>> java_datetime_format('%a %b %d %H:%M:%S %z %Y')
    ('MMM d HH:mm:ss Z yyyy', True)
    """
    day = next((prefix for prefix in ("%a, ", "%a ") if strftime.startswith(prefix)), "")
    skip_day = bool(day)
    rest = strftime[len(day):]
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


# -- JSON (lead) ------------------------------------------------------------------------------------------
# DuckDB's json_transform reads a JSON text into typed columns given a "structure" (a JSON document
# whose leaves are type names); Spark's from_json does the same given a DDL schema. DuckDB's JSON
# values (a "JSON" leaf, x::JSON) are Spark 4 VARIANTs, so json_type / ->> work on both.
_JSON_LEAF = {"VARCHAR": "STRING", "TEXT": "STRING", "BIGINT": "BIGINT", "INTEGER": "INT", "UBIGINT": "DECIMAL(20,0)",
              "DOUBLE": "DOUBLE", "FLOAT": "FLOAT", "BOOLEAN": "BOOLEAN", "JSON": "VARIANT", "DATE": "DATE"}
_NULL_SAFE = "wb_null_safe"  # meta flag: the Spark expression is NULL where DuckDB's TRY() would give NULL


def json_structure_to_ddl(structure: str) -> str:
    """A DuckDB json_transform structure as a Spark DDL schema (the fields of the top-level object).

    >>> json_structure_to_ddl('{"id": "VARCHAR", "tags": [{"n": "BIGINT"}], "raw": "JSON"}')
    '`id` STRING, `tags` ARRAY<STRUCT<`n`: BIGINT>>, `raw` VARIANT'
    """
    def kind(value) -> str:
        if isinstance(value, dict):
            return "STRUCT<" + ", ".join(f"`{name}`: {kind(v)}" for name, v in value.items()) + ">"
        if isinstance(value, list) and len(value) == 1:
            return f"ARRAY<{kind(value[0])}>"
        if isinstance(value, str) and value.upper() in _JSON_LEAF:
            return _JSON_LEAF[value.upper()]
        raise SparkUnsupportedError(f"json_transform structure: no Spark type for {value!r}")
    try:
        document = json.loads(structure)
    except ValueError as error:
        raise SparkUnsupportedError(f"json_transform structure is not JSON: {error}") from None
    if isinstance(document, list) and len(document) == 1:
        return kind(document)  # an array of values: from_json takes an ARRAY<...> schema
    if not isinstance(document, dict):
        raise SparkUnsupportedError("json_transform on Spark needs an object structure (the fields of a record)")
    return ", ".join(f"`{name}` {kind(value)}" for name, value in document.items())


def _parsed(text: exp.Expression) -> exp.Expression:
    return _function("try_parse_json", text)


_JSON_TYPE_SQL = """CASE WHEN v IS NULL THEN NULL
 WHEN schema_of_variant(v) = 'STRING' THEN 'VARCHAR'
 WHEN schema_of_variant(v) = 'BOOLEAN' THEN 'BOOLEAN'
 WHEN schema_of_variant(v) = 'VOID' THEN 'NULL'
 WHEN schema_of_variant(v) LIKE 'OBJECT%' THEN 'OBJECT'
 WHEN schema_of_variant(v) LIKE 'ARRAY%' THEN 'ARRAY'
 WHEN schema_of_variant(v) IN ('BIGINT', 'INT', 'SMALLINT', 'TINYINT') OR schema_of_variant(v) LIKE 'DECIMAL(%,0)'
 THEN CASE WHEN try_variant_get(v, '$', 'double') < 0 THEN 'BIGINT' ELSE 'UBIGINT' END
 ELSE 'DOUBLE' END"""


def _json_rewrite(node: exp.Expression) -> exp.Expression | None:
    """The JSON functions (see the module table); None when ``node`` is none of them."""
    if isinstance(node, exp.Anonymous) and node.name.lower() == "json_transform":
        value, structure = node.expressions
        if not (isinstance(structure, exp.Literal) and structure.is_string):
            raise SparkUnsupportedError("json_transform needs a literal structure to run on Spark")
        parsed = _function("from_json", value, exp.Literal.string(json_structure_to_ddl(structure.this)))
        # DuckDB: invalid JSON is an error (NULL under TRY), JSON null is NULL; Spark: a struct of NULLs
        ok = exp.NEQ(this=_function("schema_of_variant", _parsed(value.copy())), expression=exp.Literal.string("VOID"))
        result = exp.Case(ifs=[exp.If(this=ok, true=parsed)])
        result.meta[_NULL_SAFE] = True
        return result
    if isinstance(node, exp.Anonymous) and node.name.lower() == "json_valid":
        return exp.Not(this=exp.Is(this=_parsed(node.expressions[0]), expression=exp.Null()))
    if isinstance(node, (exp.Cast, exp.TryCast)) and node.to.is_type(exp.DataType.Type.JSON):
        result = _parsed(node.this)
        result.meta[_NULL_SAFE] = True
        return result
    if isinstance(node, exp.JSONType):
        template = sqlglot.parse_one(_JSON_TYPE_SQL, read="spark")
        for column in list(template.find_all(exp.Column)):
            if column.name == "v" and not column.table:
                column.replace(node.this.copy())
        template.meta[_NULL_SAFE] = True
        return template
    if isinstance(node, exp.JSONExtractScalar):
        path = node.expression
        path_text = path.sql(dialect="duckdb").strip("'") if not isinstance(path, exp.Literal) else path.this
        return _function("try_variant_get", node.this, exp.Literal.string(path_text), exp.Literal.string("string"))
    if isinstance(node, exp.Try):
        if node.this.meta.get(_NULL_SAFE):
            return node.this
        raise SparkUnsupportedError(f"TRY({node.this.sql(dialect='duckdb')[:60]}...) has no Spark equivalent")
    return None


def _rewrite(node: exp.Expression) -> exp.Expression:
    """One DuckDB node as its Spark equivalent (see the module table); other nodes unchanged."""
    json_node = _json_rewrite(node)
    if json_node is not None:
        return json_node
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
                value = _function("regexp_replace", value, exp.Literal.string(r"^[A-Za-z]+,?\s*"),
                                  exp.Literal.string(""))
            return _function("try_to_timestamp", value, exp.Literal.string(pattern))
    if isinstance(node, exp.UnixToTime) and node.args.get("format") is None and node.args.get("scale") is None:
        return _function("timestamp_seconds", node.this)
    if isinstance(node, exp.UnixToTime) and node.args.get("format") is None and _is_number(node.args.get("scale"), 3):
        return _function("unix_millis", node.this)  # DuckDB's epoch_ms(timestamp)
    if isinstance(node, exp.RegexpFullMatch):
        pattern = node.expression
        if not (isinstance(pattern, exp.Literal) and pattern.is_string):
            raise SparkUnsupportedError("regexp_full_match needs a literal pattern to run on Spark")
        return exp.RegexpLike(this=node.this, expression=exp.Literal.string("^(?:" + pattern.this + ")\\z"))
    if isinstance(node, exp.Select):
        _series_to_lateral(node)
        _unnest_structs(node)
    return node


def _is_number(node: exp.Expression | None, value: int) -> bool:
    return isinstance(node, exp.Literal) and not node.is_string and int(node.this) == value


def _unnest_structs(select: exp.Select) -> None:
    """``SELECT unnest({'k': e, ...})`` -> ``SELECT e AS k, ...`` (a struct literal's fields as columns)."""
    columns = []
    changed = False
    for item in select.expressions:
        inner = item.this if isinstance(item, (exp.Explode, exp.Unnest)) else None
        if isinstance(inner, exp.Struct) and all(isinstance(f, exp.PropertyEQ) for f in inner.expressions):
            columns.extend(exp.alias_(f.expression.copy(), f.this.name, quoted=True) for f in inner.expressions)
            changed = True
        else:
            columns.append(item)
    if changed:
        select.set("expressions", columns)


def _grouped(node: exp.Expression) -> exp.Expression:
    """``node`` in parentheses unless it is one term (a column, literal, call, ...): a macro's body or
    argument put into an expression keeps its meaning (``m(x) AS x * 2`` with ``a + 1`` is ``(a + 1) * 2``)."""
    if isinstance(node, (exp.Binary, exp.Unary, exp.Not, exp.Is, exp.In, exp.Between, exp.Like, exp.ILike)) \
            and not isinstance(node, (exp.Dot, exp.Paren)):
        return exp.Paren(this=node)
    return node


def _inline_macros(tree: exp.Expression, macros: dict[str, tuple[list[str], exp.Expression]]) -> exp.Expression:
    """Every call of a recorded macro replaced by its body, the arguments put for the parameters."""
    if not macros:
        return tree
    tree = tree.copy()
    # one call at a time, outermost first: a call in another's arguments is copied into that body,
    # so it is found (and inlined) again on a later turn
    while (call := next((c for c in tree.find_all(exp.Anonymous) if c.name.lower() in macros), None)) is not None:
        params, body = macros[call.name.lower()]
        if len(call.expressions) != len(params):
            raise SparkUnsupportedError(f"macro {call.name} takes {len(params)} argument(s)")
        args = {name: _grouped(arg) for name, arg in zip(params, call.expressions)}
        body = _grouped(body.copy())
        for column in list(body.find_all(exp.Column)):
            parts = column.parts
            arg = args.get(parts[0].name.lower()) if parts else None
            if arg is None:
                continue
            value: exp.Expression = arg.copy()
            for part in parts[1:]:
                value = exp.Dot(this=value, expression=part.copy())
            if column is body:
                body = value
            else:
                column.replace(value)
        if call is tree:
            tree = body
        else:
            call.replace(body)
    return tree


def _macro(tree: exp.Expression, macros: dict[str, tuple[list[str], exp.Expression]]) -> bool:
    """Record ``CREATE MACRO name(args) AS expr`` (its body with earlier macros inlined); True if it was one."""
    if not (isinstance(tree, exp.Create) and (tree.args.get("kind") or "").upper() == "MACRO"):
        return False
    function = tree.this
    if not isinstance(function, exp.UserDefinedFunction) or isinstance(tree.expression, exp.Query):
        raise SparkUnsupportedError("only scalar macros (CREATE MACRO name(args) AS expression) run on Spark")
    params = [p.name.lower() for p in function.expressions]
    macros[function.this.name.lower()] = (params, _inline_macros(tree.expression, macros))
    return True


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
def structure_params(name: str) -> frozenset[str]:
    """The parameters of the named query that are the structure of a ``json_transform(x, $param)``."""
    names = set()
    for tree in sqlglot.parse(_prepare(sql_module.get(name).text), read="duckdb"):
        for call in (tree.find_all(exp.Anonymous) if tree is not None else ()):
            if call.name.lower() == "json_transform" and len(call.expressions) == 2:
                structure = call.expressions[1]
                if isinstance(structure, exp.Column) and structure.name.startswith(_PARAM_PREFIX):
                    names.add(structure.name[len(_PARAM_PREFIX):])
    return frozenset(names)


def _put_structures(tree: exp.Expression, structures: dict[str, str]) -> exp.Expression:
    """``json_transform(x, $param)`` with the bound structure ``structures[param]`` as a literal."""
    for call in list(tree.find_all(exp.Anonymous)):
        if call.name.lower() == "json_transform" and len(call.expressions) == 2:
            structure = call.expressions[1]
            if isinstance(structure, exp.Column) and structure.name.startswith(_PARAM_PREFIX):
                value = structures.get(structure.name[len(_PARAM_PREFIX):])
                if isinstance(value, str):
                    structure.replace(exp.Literal.string(value))
    return tree


@functools.lru_cache(maxsize=64)
def statements(name: str, structures: tuple[tuple[str, str], ...] = ()) -> tuple[Statement, ...]:
    """The statements of the named query ``name`` (e.g. ``"ingest.edges_csv_stage"``) for Spark.

    ``structures``: ``(param, value)`` pairs, the bound values of the parameters that are a
    json_transform structure (:func:`structure_params`), put into the SQL as literals.
    Raises :class:`SparkUnsupportedError` when one cannot run on Spark.
    """
    query = sql_module.get(name)
    try:
        trees = sqlglot.parse(_prepare(query.text), read="duckdb")
        if structures:
            trees = [None if tree is None else _put_structures(tree, dict(structures)) for tree in trees]
    except sqlglot.errors.SqlglotError as error:
        raise SparkUnsupportedError(f"{name}: sqlglot cannot read this DuckDB SQL ({error})") from None
    macros: dict[str, tuple[list[str], exp.Expression]] = {}
    try:
        return tuple(_statement(_inline_macros(tree, macros), name) for tree in trees
                     if tree is not None and not _macro(tree, macros))
    except sqlglot.errors.SqlglotError as error:
        raise SparkUnsupportedError(f"{name}: no Spark equivalent ({error})") from None
