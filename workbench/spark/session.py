"""One local (or cluster) SparkSession, configured for the workbench.

Local mode runs offline: Spark's jars come in the pyspark wheel and nothing is fetched from Maven.
The session binds to 127.0.0.1, keeps its clock in UTC (timestamps are UTC throughout the
workbench), writes Parquet timestamps as microseconds since the epoch (read by DuckDB as
TIMESTAMPTZ) and runs without the web UI.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["DEFAULT_MASTER", "get_session"]

#: The Spark master when none is given: local mode on every core.
DEFAULT_MASTER = "local[*]"

_CONFIG = {
    "spark.ui.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    # the DuckDB SQL guards its casts itself (try_cast, regular expressions); without ANSI mode an
    # out-of-range index or a failed implicit cast is NULL as in DuckDB instead of an error
    "spark.sql.ansi.enabled": "false",
    "spark.sql.legacy.sizeOfNull": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.extraJavaOptions": "-Dio.netty.tryReflectionSetAccessible=true",
}


def get_session(master: str = DEFAULT_MASTER, *, driver_memory: str = "2g", app_name: str = "workbench") -> Any:
    """The active SparkSession, created for ``master`` when there is none.

    Parameters
    ----------
    master : str
        ``local[*]``, ``local[2]`` or a cluster URL such as ``spark://host:7077``.
    driver_memory : str
        Heap of the driver (in local mode, of the whole of Spark).
    app_name : str

    Returns
    -------
    pyspark.sql.SparkSession
    """
    from pyspark.sql import SparkSession

    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master(master).appName(app_name).config("spark.driver.memory", driver_memory)
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    for key, value in _CONFIG.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
