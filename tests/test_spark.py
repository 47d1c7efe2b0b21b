"""The Spark engine: the same exports through DuckDB and Spark give the same tables and metrics.

One local SparkSession for the whole run (session-scoped fixture, ``local[2]``, offline). Every
identity test loads the same files with ``wb.load`` (DuckDB) and with
``workbench.spark.workspace.load_with_spark`` (Spark -> Parquet -> DuckDB import) and compares
the five canonical tables row for row (``loads`` without its wall-clock times).
"""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from conftest import shared_file
from spark_support import assert_same_tables, load_both
from spark_support import rows as _rows
from workbench import graphs

pytest.importorskip("pyspark")
pytest.importorskip("sqlglot")

from workbench.spark import dialect, workspace
from workbench.spark.dialect import SparkUnsupportedError

pytestmark = pytest.mark.spark


# -- the transpiler, without Spark ---------------------------------------------------------------------
def test_transpile_maps_duckdb_functions():
    assert dialect.transpile("SELECT list_position(['a', 'b'], $x) AS p, len(['a']) AS n") == \
        "SELECT NULLIF(ARRAY_POSITION(ARRAY('a', 'b'), :x), 0) AS p, SIZE(ARRAY('a')) AS n"
    # a computed index stays 1-based (element_at), a literal one too
    assert dialect.transpile("SELECT v[i], v[1] FROM t") == \
        "SELECT TRY_ELEMENT_AT(v, CAST(i AS INT)), TRY_ELEMENT_AT(v, 1) FROM t"
    assert dialect.java_datetime_format("%y-%m-%d") == ("yy-MM-d", False)


def test_formats_with_duckdb_only_statements_are_refused_by_name():
    with pytest.raises(SparkUnsupportedError, match="mastodon_statuses"):
        dialect.statements("ingest.mastodon_statuses")  # DELETE on its work tables


def test_nested_macro_calls_are_inlined():
    """A macro call in another's arguments (tw2c_text(tw2c(...)) in the twarc-csv query) is inlined too,
    and an inlined body or argument keeps its grouping."""
    script = ("CREATE MACRO inner_m(x) AS x + 1; CREATE MACRO outer_m(y) AS y * 2; "
              "SELECT outer_m(inner_m(outer_m(v))) AS w FROM t")
    import sqlglot

    macros: dict = {}
    selects = [dialect._inline_macros(tree, macros) for tree in sqlglot.parse(script, read="duckdb")
               if not dialect._macro(tree, macros)]
    assert [tree.sql(dialect="spark") for tree in selects] == ["SELECT (((v * 2) + 1) * 2) AS w FROM t"]


# -- identity: edge lists ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def collegemsg_both(tmp_path_factory, spark, shared_data):
    path = shared_file(shared_data, "snap_collegemsg", "CollegeMsg.txt")
    return load_both(tmp_path_factory.mktemp("collegemsg"), spark, path, format="edges-csv")


def test_collegemsg_identical(collegemsg_both):
    sizes = assert_same_tables(*collegemsg_both)
    assert sizes["interactions"] == 59835 and sizes["accounts"] == 1899  # SOURCE.md: 59,835 messages, 1,899 users


def test_higgs_gzip_with_kinds_identical(tmp_path, spark, shared_data):
    source = shared_file(shared_data, "snap_higgs_twitter", "higgs-activity_time.txt.gz")
    path = tmp_path / "higgs-head.txt.gz"  # the first 30,000 lines: RT, MT and RE rows, gzip as published
    with gzip.open(source, "rt") as lines, gzip.open(path, "wt") as out:
        out.writelines(line for _, line in zip(range(30000), lines))
    duck, sparked = load_both(tmp_path, spark, path, format="edges-csv", platform="higgs")
    sizes = assert_same_tables(duck, sparked)
    assert sizes["interactions"] == 30000
    assert dict(sparked.sql("SELECT kind, count(*) FROM interactions GROUP BY 1").fetchall()).keys() == \
        {"share", "mention", "reply"}


def test_small_real_lists_in_one_batch_and_a_repeated_file_identical(tmp_path, spark, shared_data):
    dolphins = shared_file(shared_data, "lusseau_dolphins", "dolphins.edges")
    copy = tmp_path / "copy.edges"
    shutil.copy(dolphins, copy)
    paths = [shared_file(shared_data, "zachary_karate_club", "vlivashkin", "karate.edges"), dolphins, copy]
    duck, sparked = load_both(tmp_path, spark, paths, format="edges-csv")
    sizes = assert_same_tables(duck, sparked)
    assert sizes["loads"] == 2  # the copy adds nothing, as on DuckDB


def test_hand_written_csv_with_rejects_weights_and_a_repeat_identical(tmp_path, spark):
    first = tmp_path / "first.csv"
    first.write_text(
        "\ufeffSource;Target;Kind;Timestamp;Weight\r\n"
        "alice;bob;RT;2021-03-01T10:00:00Z;2\r\n"
        '"carol, jr";bob;reply;Sun, 1 Apr 2007 14:10:17 -0400;1\r\n'
        "\r\n"
        "bob;;mention;1614592800;1\n"
        "dave;alice;poke;1614592800;1\n"
        "erin;alice;;not a time;1\n"
        "erin;alice;quote;1614592800.25;0\n"
        'frank;"alice;mention;1614592800;1\n'
        "gina;alice;mention;;1\n", encoding="utf-8")
    second = tmp_path / "second.csv.gz"  # repeats one edge of the first file and adds one
    with gzip.open(second, "wt", encoding="utf-8") as out:
        out.write("source,target,kind,timestamp\nalice,bob,share,2021-03-01T10:00:00Z\nbob,carol,reply,\n")
    duck, sparked = load_both(tmp_path, spark, [first, second])
    sizes = assert_same_tables(duck, sparked)
    assert sizes["rejects"] == 5
    assert _rows(sparked, "SELECT line_no FROM rejects")["line_no"].tolist() == [5, 6, 7, 8, 9]
    assert sizes["interactions"] == 5  # 2 (weight) + 1 + 1 (gina) from the first file, 1 new from the second
    third = tmp_path / "third.csv"  # a later DuckDB load into the imported workspace continues the load ids
    third.write_text("source,target\nhal,ivy\n", encoding="utf-8")
    assert wb.load(sparked, third).files[0].load_id == 3


def test_epoch_units_and_kind_for_rows_without_one_identical(tmp_path, spark):
    """Epoch seconds, milliseconds, microseconds and nanoseconds, and ``kind=`` for kind-less rows."""
    path = tmp_path / "out.units"
    path.write_text("% asym positive\n1 2 1 1700000000\n2 3 1 1700000000250\n3 1 1 1700000000250500\n"
                    "1 3 1 1700000000250500000\n", encoding="utf-8")
    duck, sparked = load_both(tmp_path, spark, [path], format="edges-csv", kind="reply")
    sizes = assert_same_tables(duck, sparked)
    assert sizes["interactions"] == 4
    assert _rows(sparked, "SELECT DISTINCT kind FROM interactions")["kind"].tolist() == ["reply"]
    assert _rows(sparked, "SELECT epoch_us(created_at) AS us FROM interactions ORDER BY 1")["us"].tolist() == [
        1700000000000000, 1700000000250000, 1700000000250500, 1700000000250500]


def test_zst_and_xz_edge_lists_identical_and_a_truncated_zst_is_a_clear_error(tmp_path, spark):
    import lzma

    import zstandard

    from workbench.errors import ExportFormatError

    text = "source,target,kind,timestamp\nalice,bob,reply,1614592800\nbob,carol,share,1614596400\n"
    zst = tmp_path / "edges.csv.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress(text.encode()))
    xz = tmp_path / "more.csv.xz"
    xz.write_bytes(lzma.compress("source,target\ncarol,dave\n".encode()))
    duck, sparked = load_both(tmp_path, spark, [zst, xz])
    sizes = assert_same_tables(duck, sparked)
    assert sizes["interactions"] == 3 and sizes["loads"] == 2
    cut = tmp_path / "cut" / "cut.csv.zst"
    cut.parent.mkdir()
    cut.write_bytes(zst.read_bytes()[:-6])
    with pytest.raises(ExportFormatError, match=r"cut.csv.zst.*corrupt or truncated"):
        workspace.load_with_spark(wb.open(tmp_path / "cut" / "w.duckdb"), cut, spark=spark)
    assert not list(cut.parent.glob(".*-inputs-*"))


# -- identical graphs and metrics ----------------------------------------------------------------------
def test_graph_aggregated_on_spark_and_metrics_identical(collegemsg_both):
    duck, sparked = collegemsg_both
    kinds = ["mention"]
    expected = graphs.graph(duck, kinds=kinds, directed=False)
    on_duckdb = graphs.graph(sparked, kinds=kinds, directed=False)
    on_spark = graphs.graph(sparked, kinds=kinds, directed=False, engine="spark")
    for got in (on_duckdb, on_spark):
        assert got.vs["account_id"] == expected.vs["account_id"]
        assert sorted(zip(got.get_edgelist(), got.es["weight"])) == sorted(zip(expected.get_edgelist(),
                                                                               expected.es["weight"]))
    assert np.allclose(on_spark.pagerank(weights="weight"), expected.pagerank(weights="weight"))
    np.testing.assert_array_equal(wb.communities.detect(on_spark, seed=0).membership,
                                  wb.communities.detect(expected, seed=0).membership)
    pd.testing.assert_frame_equal(wb.metrics.activity(sparked, period="month"),
                                  wb.metrics.activity(duck, period="month"))


def test_formats_not_on_spark_are_refused(tmp_path, spark, shared_data):
    path = shared_file(shared_data, "twitter_v2_twarc_csv_testdata", "two_tweets.jsonl")
    store = wb.open(tmp_path / "w.duckdb")
    with pytest.raises(SparkUnsupportedError, match="mastodon cannot be loaded with Spark"):
        workspace.load_with_spark(store, path, spark=spark, format="mastodon")
