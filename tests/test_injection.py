"""Hostile strings against every CLI option and API parameter that reaches SQL.

Values must be bound, never formatted into SQL, and identifiers must pass an allow-list. So a
hostile string (quotes, ``; DROP TABLE``, ``$name`` placeholders, comment markers, unicode, NUL)
given as a filter, a query parameter, a format or method name, a focal account or a path must
either be refused with a clear :class:`~workbench.WorkbenchError` (exit 2 and one line on the
command line) or be treated as the plain value it is; and the workspace must be unchanged: same
tables, same row counts, same contents (a fingerprint over every table and sequence). Hostile
strings inside an export's data are stored verbatim.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import workbench as wb
from workbench import cli, datasets, sql
from workbench.errors import QueryError, WorkbenchError

HOSTILE = [
    "'",
    "''",
    '"',
    "'; DROP TABLE accounts; --",
    '"; DROP TABLE posts; --',
    "x' OR '1'='1",
    "reply') OR 1=1 --",
    "reply'); DELETE FROM interactions; --",
    "$since",
    "$1",
    "?",
    "%s",
    "{kinds}",
    "*/ DROP TABLE loads; /*",
    "1; ATTACH 'evil.duckdb' AS evil",
    "read_csv('/etc/passwd')",
    "accounts",
    "ü🙂\u202eأ",
    "reply\nmention",
    "",
]
# argv cannot carry NUL; the API can
HOSTILE_API = [*HOSTILE, "a\x00b"]
#: What ``--platform`` accepts (workbench.ingest.load): such a string is a name, not an attack.
PLATFORM_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")


# -- the workspace and its fingerprint --------------------------------------------------------------

def fingerprint(store) -> dict:
    """Every table's row count and a hash of its sorted rows, the views, and the sequences' values."""
    catalog = store.sql("SELECT table_name FROM duckdb_tables() WHERE database_name <> 'temp' "
                        "ORDER BY table_name").fetchall()
    names = [name for (name,) in catalog]
    found = {}
    for name in names:
        rows = store.sql(f"SELECT * FROM {sql.quote_identifier(name, names)}").fetchall()
        digest = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
        found[name] = (len(rows), digest)
    found["views"] = store.sql("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()
    found["sequences"] = store.sql("SELECT sequence_name, last_value FROM duckdb_sequences() ORDER BY 1").fetchall()
    return found


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A workspace file with the tiny export, a community run and a scoring run."""
    from workbench import communities, roles

    folder = tmp_path_factory.mktemp("injection")
    db = folder / "w.duckdb"
    with wb.open(db) as store:
        wb.load(store, datasets.write_tiny(folder / "tiny.jsonl"), progress=False)
        run_id = communities.save(store, communities.detect(wb.graph(store), seed=0))
        roles.score(store, run_id=run_id, save=True)
        assert store.counts()["account_scores"] > 0
    return db


@pytest.fixture(scope="module")
def api_store(workspace):
    store = wb.open(workspace, read_only=True)
    yield store
    store.close()


@pytest.fixture
def copy_of(workspace, tmp_path):
    def make(name: str = "w.duckdb") -> Path:
        path = tmp_path / name
        shutil.copyfile(workspace, path)
        return path
    return make


# -- the command line -------------------------------------------------------------------------------

def _cli_cases(db: Path, export: Path, out: Path, hostile: str) -> list[list[str]]:
    cases = [
        ["load", str(export), "--db", str(db), "--format", hostile],
        ["load", str(export.parent / (hostile or "missing")), "--db", str(db)],
        ["communities", "--db", str(db), "--method", hostile],
        ["export", "--db", str(db), "--to", str(out / f"graph{hostile}")],
    ]
    if not PLATFORM_NAME.fullmatch(hostile):  # a well-formed name is a platform, not an attack
        cases.append(["load", str(export), "--db", str(db), "--platform", hostile])
    if hostile.strip(" ,"):  # an empty list or time means "the default" on the command line
        for command in (["communities", "--db", str(db)], ["export", "--db", str(db), "--to", str(out / "g.csv")]):
            cases += [[*command, "--kinds", hostile], [*command, "--since", hostile], [*command, "--until", hostile]]
        cases.append(["roles", "--db", str(db), "--focal", hostile])
    return cases


@pytest.mark.parametrize("hostile", HOSTILE)
def test_cli_refuses_hostile_values_and_changes_nothing(hostile, copy_of, tmp_path, capsys):
    db = copy_of()
    export = datasets.write_tiny(tmp_path / "export.jsonl")
    out = tmp_path / "out"
    out.mkdir()
    with wb.open(db, read_only=True) as store:
        before = fingerprint(store)
    for argv in _cli_cases(db, export, out, hostile):
        code = cli.main(argv)
        captured = capsys.readouterr()
        # each of these values is unusable (no such format, kind, method, date, file, focal account
        # or export type), so the command must refuse it in one line, naming what was expected
        assert code == 2, (argv, captured.out, captured.err)
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"workbench {argv[0]}: error: "), (argv, captured.err)
        assert "Traceback" not in captured.err
    with wb.open(db, read_only=True) as store:  # a refused command that wrote anything would show here
        assert fingerprint(store) == before
    assert [p.name for p in out.iterdir()] == []


def test_a_platform_named_like_a_table_is_a_value(copy_of, tmp_path, capsys):
    """``--platform accounts`` is a valid name: ids become ``accounts:...``; every table stays."""
    db = copy_of()
    export = datasets.write_tiny(tmp_path / "export.jsonl")
    with wb.open(db, read_only=True) as store:
        tables = {name for name in fingerprint(store) if name not in ("views", "sequences")}
    for platform in ("accounts", "posts", "loads"):
        assert cli.main(["load", str(export), "--db", str(db), "--platform", platform]) == 0
    capsys.readouterr()
    with wb.open(db, read_only=True) as store:
        assert {name for name in fingerprint(store) if name not in ("views", "sequences")} == tables
        per_platform = dict(store.sql("SELECT platform, count(*) FROM posts GROUP BY ALL").fetchall())
        assert per_platform == {"twitter": 48, "accounts": 48, "posts": 48, "loads": 48}
        assert store.scalar("SELECT count(*) FROM posts WHERE NOT starts_with(post_id, platform || ':')") == 0


def test_cli_info_and_load_with_hostile_workspace_and_export_names(copy_of, tmp_path, capsys):
    """File names are values: a workspace and an export named like SQL load and report normally."""
    db = copy_of("w'; DROP TABLE accounts; --.duckdb")
    export = datasets.write_tiny(tmp_path / "tiny'); DELETE FROM posts; --.jsonl")
    with wb.open(db, read_only=True) as store:
        before = store.counts()
    assert cli.main(["load", str(export), "--db", str(db)]) == 0
    assert cli.main(["info", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "already loaded" in out and "posts 48" in out
    with wb.open(db, read_only=True) as store:
        assert store.counts() == before  # the same content as the first load: nothing new
        assert store.scalar("SELECT count(*) FROM loads") == 1


def test_hostile_strings_inside_an_export_are_stored_verbatim(tmp_path):
    """Data is bound too: handles, kinds and ids made of SQL load as text, and every table survives."""
    names = [h for h in HOSTILE if h and "\n" not in h and "," not in h and '"' not in h]
    rows = ["source,target,kind,post_id"] + [f"{h},victim,reply,p{i}" for i, h in enumerate(names)]
    path = tmp_path / "edges.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with wb.open(":memory:") as store:
        report = wb.load(store, path, platform="forum", progress=False)
        assert report.records_loaded == len(names) and report.records_rejected == 0
        stored = set(store.sql("SELECT handle FROM accounts").df()["handle"])
        assert stored == set(names) | {"victim"}
        assert set(store.counts()) == {"accounts", "posts", "interactions", "loads", "rejects", "community_runs",
                                       "memberships", "hashtag_memberships", "account_scores", "campaigns", "account_attributes",
                                       "post_entities"}
        assert store.scalar("SELECT count(*) FROM interactions") == len(names)
        # a reject's raw line holds the hostile text verbatim as well
        path.write_text("source,target,kind\n'; DROP TABLE rejects; --,x,$kind\n", encoding="utf-8")
        with pytest.raises(WorkbenchError, match="no record could be read"):
            wb.load(store, path, progress=False)
        assert store.counts()["interactions"] == len(names)


# -- the Python API ---------------------------------------------------------------------------------

def _api_cases(store, tmp_path: Path, hostile: str):
    """(name, call) pairs; each call passes ``hostile`` where a string goes."""
    from workbench import communities, export, metrics, roles
    from workbench import graphs

    small = graphs.graph(store)
    cases = [
        ("store.query name", lambda: store.query(hostile)),
        ("store.query name suffix", lambda: store.query("info.tables" + hostile) if hostile else store.query("")),
        ("store.query unknown parameter", lambda: store.query("info.tables", **{hostile or "x": 1})),
        ("wb.query name", lambda: wb.query(store, "info.last_loads; " + hostile, limit=1)),
        ("roles.focal_ids names", lambda: store.query("roles.focal_ids", names=[hostile], handles=[hostile])),
        ("graph.edges kinds", lambda: store.query("graph.edges", kinds=[hostile], since=None, until=None,
                                                  directed=True, min_weight=1, self_loops=False)),
        ("sql.check_identifier", lambda: sql.check_identifier(hostile, ["day", "week"], what="period")),
        ("sql.quote_identifier", lambda: sql.quote_identifier(hostile, ["day", "week", "month"])),
        ("graph kinds str", lambda: wb.graph(store, kinds=hostile)),
        ("graph kinds list", lambda: wb.graph(store, kinds=["reply", hostile])),
        ("graph since", lambda: wb.graph(store, since=hostile or "x")),
        ("graph until", lambda: wb.graph(store, until=hostile or "x")),
        ("graph weight", lambda: wb.graph(store, weight=hostile)),
        ("graph backend", lambda: wb.graph(store, backend=hostile)),
        ("communities.detect method", lambda: communities.detect(small, method=hostile)),
        ("communities.detect objective", lambda: communities.detect(small, objective=hostile)),
        ("communities.track windows", lambda: communities.track(store, windows=hostile)),
        ("communities.track method", lambda: communities.track(store, method=hostile)),
        ("roles.score kinds", lambda: roles.score(store, kinds=[hostile], save=False)),
        ("roles.score since", lambda: roles.score(store, since=hostile or "x", save=False)),
        ("roles.score until", lambda: roles.score(store, until=hostile or "x", save=False)),
        ("roles.score focal", lambda: roles.score(store, focal=hostile or "?", save=False)),
        ("roles.score focal list", lambda: roles.score(store, focal=["@ana_brews", hostile or "?"], save=False)),
        ("roles.advocates focal", lambda: roles.advocates(store, hostile or "?")),
        ("roles.advocates kinds", lambda: roles.advocates(store, "@brewco", kinds=[hostile])),
        ("roles.guimera_amaral kinds", lambda: roles.guimera_amaral(store, run_id=1, kinds=[hostile])),
        ("metrics.responsiveness focal", lambda: metrics.responsiveness(store, focal=hostile or "?")),
        ("metrics.activity weights", lambda: metrics.activity(store, weights={hostile: 1.0})),
        ("export.check_format", lambda: export.check_format(tmp_path / f"x{hostile}", hostile)),
        ("export path", lambda: export.export(store, tmp_path / f"graph{hostile}")),
        ("export kinds", lambda: export.export(store, tmp_path / "g.csv", kinds=[hostile])),
        ("load format", lambda: wb.load(store, tmp_path / "x.jsonl", format=hostile)),
        ("load platform", lambda: wb.load(store, tmp_path / "x.jsonl", platform=hostile)),
    ]
    for name in ("engagement", "growth", "activity", "retention", "churn", "density", "responsiveness"):
        function = getattr(metrics, name)
        cases += [(f"metrics.{name} period", lambda f=function: f(store, period=hostile)),
                  (f"metrics.{name} since", lambda f=function: f(store, since=hostile or "x")),
                  (f"metrics.{name} until", lambda f=function: f(store, until=hostile or "x"))]
    return cases


#: Calls whose hostile string is a legitimate value (nothing to refuse): they must simply work.
TREATED_AS_VALUES = {"roles.focal_ids names", "graph.edges kinds"}


@pytest.mark.parametrize("hostile", HOSTILE_API)
def test_api_refuses_hostile_values_and_changes_nothing(hostile, api_store, tmp_path):
    (tmp_path / "x.jsonl").write_text(json.dumps({"id": "1", "author_id": "2", "public_metrics": {}}) + "\n")
    before = fingerprint(api_store)
    not_refused = []
    for name, call in _api_cases(api_store, tmp_path, hostile):
        if name in TREATED_AS_VALUES:
            result = call()
            assert isinstance(result, pd.DataFrame) and result.empty, name
        else:
            try:
                call()
            except WorkbenchError as error:
                assert str(error), name
            else:
                not_refused.append(name)
        assert fingerprint(api_store) == before, name
    assert not_refused == []
    assert not any(p.name.startswith("graph") for p in tmp_path.iterdir())


@pytest.mark.parametrize("hostile", ["'; DROP TABLE community_runs; --", "1 OR 1=1", "$run_id"])
def test_numeric_parameters_refuse_strings(hostile, api_store):
    """An id or a limit given as a hostile string is refused, never pasted into SQL.

    The analysis functions refuse it before any SQL runs (a WorkbenchError, or the TypeError /
    ValueError of a wrongly typed argument); a named query binds it as a value, which DuckDB
    then refuses to convert to a number.
    """

    from workbench import communities, metrics, roles

    before = fingerprint(api_store)
    calls = {
        "info.last_loads limit": lambda: api_store.query("info.last_loads", limit=hostile),
        "roles.community_run": lambda: api_store.query("roles.community_run", run_id=hostile),
    }
    for name, call in calls.items():
        # the value is bound, so DuckDB refuses it as a number; the store says so as a QueryError
        with pytest.raises(QueryError, match="a parameter has the wrong type .*Could not convert string"):
            call()
        assert fingerprint(api_store) == before, name
    calls = {
        "communities.load": lambda: communities.load(api_store, hostile),
        "roles.score run_id": lambda: roles.score(api_store, run_id=hostile, save=False),
        "roles.guimera_amaral run_id": lambda: roles.guimera_amaral(api_store, run_id=hostile),
        "roles.load_scores": lambda: roles.load_scores(api_store, hostile),
        "metrics.engagement run_id": lambda: metrics.engagement(api_store, run_id=hostile),
        "export run_id": lambda: __import__("workbench.export").export.export(api_store, "/nonexistent/g.csv",
                                                                               run_id=hostile),
    }
    outcomes = {}
    for name, call in calls.items():
        try:
            call()
        except (WorkbenchError, TypeError, ValueError) as error:
            outcomes[name] = type(error).__name__
        else:
            outcomes[name] = "not refused"
        assert fingerprint(api_store) == before, name
    assert "not refused" not in outcomes.values(), outcomes


# -- the code: no value formatted into SQL ------------------------------------------------------------

#: Places where SQL text is built with string formatting: none. The fixed DROP lists, the twitter
#: clean-up and the session's overlay views are literal or named queries; a new site must bind its
#: values instead (or be reviewed and listed here with why it is safe).
FORMATTED_SQL_SITES: dict[tuple[str, str], str] = {}
_SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|DROP|CREATE|ATTACH|COPY|WITH|ALTER|PRAGMA|SET|EXPORT|"
                        r"INSTALL|LOAD)\b")


def _formatted_sql_sites(root: Path) -> set[tuple[str, str]]:
    """(file, function) of every f-string, ``%`` or ``.format`` that builds text starting like SQL."""
    import ast

    class Finder(ast.NodeVisitor):
        def __init__(self, name: str):
            self.name, self.function, self.found = name, "<module>", set()

        def visit_FunctionDef(self, node):  # the ast API's name
            outer, self.function = self.function, node.name
            self.generic_visit(node)
            self.function = outer

        visit_AsyncFunctionDef = visit_FunctionDef

        def generic_visit(self, node):
            template = None
            if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in node.values):
                template = node.values[0].value if isinstance(node.values[0], ast.Constant) else None
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
                template = node.left.value
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
                  and isinstance(node.func.value, ast.Constant)):
                template = node.func.value.value
            if isinstance(template, str) and _SQL_START.match(template):
                self.found.add((self.name, self.function))
            super().generic_visit(node)

    found: set[tuple[str, str]] = set()
    for path in sorted((root / "workbench").rglob("*.py")):
        finder = Finder(path.relative_to(root).as_posix())
        finder.visit(ast.parse(path.read_text(encoding="utf-8")))
        found |= finder.found
    return found


def test_no_value_is_formatted_into_sql():
    """Only the reviewed sites build SQL by formatting; a new one must be bound instead (or reviewed)."""
    root = Path(__file__).resolve().parent.parent
    assert _formatted_sql_sites(root) == set(FORMATTED_SQL_SITES)
