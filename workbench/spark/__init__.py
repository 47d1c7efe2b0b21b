"""Scale-out: the workbench's loading and edge aggregation on Apache Spark.

- :func:`workbench.spark.workspace.load_with_spark` (``workbench load --engine spark``): exports
  read and normalised by Spark with the same named queries as DuckDB (transpiled by sqlglot,
  :mod:`workbench.spark.dialect`), written as Parquet partitioned by platform and month, then
  imported into the DuckDB workspace so that everything downstream is unchanged.
- :func:`workbench.spark.graph.edge_columns` (``wb.graph(store, engine="spark")``): the weighted
  edge list aggregated on Spark, handed to igraph on one machine.

pyspark and sqlglot are optional (``pip install 'community-workbench[spark]'``): this package is imported
only when the Spark engine is asked for, and says what to install when they are missing.
Formats on Spark: :data:`workbench.spark.ingest.SPARK_FORMATS`.
"""

from importlib.util import find_spec

from workbench.errors import ParameterError

_MISSING = [name for name in ("pyspark", "sqlglot") if find_spec(name) is None]
if _MISSING:
    raise ParameterError(f"the Spark engine needs {' and '.join(_MISSING)}, which are not installed: "
                         "pip install 'community-workbench[spark]'")
