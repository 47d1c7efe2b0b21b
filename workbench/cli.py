"""The ``workbench`` command.

Every sub-command is a thin call into the Python API, with the same defaults.
Exit codes: 0 on success, 2 on a user error (a one-line message, no traceback
unless ``--debug``), 1 on an unexpected failure.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from workbench.checks import DEFAULT_KINDS
from workbench.containment import visible
from workbench.errors import ParameterError, RoleEvidenceWarning, WorkbenchError, WorkspaceError

__all__ = ["main", "build_parser"]


def _csv(value: str | None) -> list[str] | None:
    if value is None:
        return None
    items = [v.strip() for v in value.split(",") if v.strip()]
    return items or None


def _non_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {number}")
    return number


def _visible_frame(frame):
    """``frame`` with the control and escape characters of its text (cells, labels) shown as escapes."""
    shown = frame.map(lambda value: visible(value) if isinstance(value, str) else value)
    shown.columns = [visible(column) if isinstance(column, str) else column for column in frame.columns]
    shown.index = [visible(label) if isinstance(label, str) else label for label in frame.index]
    return shown


def _print_frame(frame, *, max_rows: int = 20) -> None:
    """A table whose text comes from the data: control and escape characters are shown, never sent."""
    import pandas as pd

    shown = _visible_frame(frame)
    with pd.option_context("display.max_rows", max_rows, "display.width", 140, "display.max_columns", 20):
        print(shown.to_string(index=False) if len(shown) else "  (none)")


# -- commands -----------------------------------------------------------------------
def cmd_load(args: argparse.Namespace) -> int:
    import workbench as wb

    from workbench.ingest.sources import ReadLimits, parse_size

    defaults = ReadLimits()
    limits = ReadLimits(
        max_document_bytes=parse_size(args.max_document_size) if args.max_document_size else defaults.max_document_bytes,
        max_expansion=args.max_expansion if args.max_expansion else defaults.max_expansion,
        max_decompressed_bytes=parse_size(args.max_decompressed) if args.max_decompressed else None)
    with wb.open(args.db, memory_limit=args.memory_limit) as store:
        try:
            if args.engine == "spark":
                from workbench.spark.workspace import load_with_spark

                report = load_with_spark(store, args.paths, parquet_dir=args.parquet, format=args.format,
                                         platform=args.platform, strict=args.strict, master=args.spark_master,
                                         kind=args.kind)
            else:
                report = wb.load(store, args.paths, format=args.format, strict=args.strict,
                                 platform=args.platform, progress=None if not args.quiet else False,
                                 kind=args.kind, limits=limits)
        except WorkbenchError as error:
            partial = getattr(error, "report", None)
            if partial is not None:
                for file in partial.files:
                    if file.status == "ok":
                        print(file.summary())
            raise
    if not args.quiet:
        print(report.summary())
        print(f"total: read {report.records_read:,}, loaded {report.records_loaded:,}, "
              f"rejected {report.records_rejected:,} into {args.db}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    import workbench as wb

    with wb.open(args.db, read_only=True) as store:
        print(f"workspace {args.db} (schema version {store.schema_version})")
        counts = store.counts()
        print("tables: " + ", ".join(f"{name} {rows:,}" for name, rows in counts.items()))
        print("\nper platform:")
        _print_frame(store.query("info.platforms"))
        print("\ninteractions per kind:")
        _print_frame(store.query("info.interaction_kinds"))
        print("\nlast loads:")
        loads = store.query("info.last_loads", limit=args.loads)
        _print_frame(loads[["load_id", "path", "format", "status", "records_read", "records_loaded",
                            "records_rejected", "unresolved"]])
    return 0


def cmd_attributes_import(args: argparse.Namespace) -> int:
    import workbench as wb

    with wb.open(args.db) as store:
        report = wb.attributes.import_file(store, args.path, id_column=args.id_column, name=args.name,
                                           platform=args.platform, strict=args.strict,
                                           progress=None if not args.quiet else False)
        if not args.quiet:
            print(report.summary())
            print()
            _print_frame(wb.attributes.names(store)[["name", "accounts", "distinct_values"]])
    return 0


def cmd_attributes_list(args: argparse.Namespace) -> int:
    import workbench as wb

    with wb.open(args.db, read_only=True) as store:
        if args.name:
            counts = wb.attributes.value_counts(store, args.name)
            print(f"{args.name}: {len(counts):,} values on {int(counts['accounts'].sum()):,} accounts")
            _print_frame(counts.head(args.top), max_rows=args.top)
            return 0
        frame = wb.attributes.names(store)
        if frame.empty:
            print(f"{args.db} holds no account attributes; import them with "
                  f"`workbench attributes import FILE --db {args.db}` or load a graph file (GML, GraphML, Pajek)")
            return 0
        frame["files"] = frame["files"].map(lambda files: ", ".join(Path(f).name for f in files))
        _print_frame(frame)
    return 0


def _graph_kwargs(args: argparse.Namespace) -> dict:
    return dict(kinds=tuple(_csv(args.kinds) or DEFAULT_KINDS), since=args.since, until=args.until)


def cmd_communities(args: argparse.Namespace) -> int:
    import workbench as wb
    from workbench import communities

    with wb.open(args.db) as store:
        graph = wb.graphs.build(store, args.graph, kinds=_csv(args.kinds), since=args.since, until=args.until)
        partition = communities.detect(graph, method=args.method, resolution=args.resolution, seed=args.seed,
                                       iterations=args.iterations, max_edges=args.max_edges)
        run_id = communities.save(store, partition)
        sizes = partition.sizes
        rounds = "" if args.method != "leiden" else (
            ", until converged" if args.iterations is None else f", {args.iterations} iterations")
        kinds = graph.vs["kind"] if "kind" in graph.vs.attributes() else ["account"] * graph.vcount()
        nodes = ", ".join(f"{kinds.count(kind):,} {kind}s" for kind in ("account", "hashtag") if kind in kinds)
        print(f"community run {run_id}: {args.method} (resolution {args.resolution}, seed {args.seed}{rounds}) on "
              f"the {args.graph} graph: {nodes or '0 accounts'} and {graph.ecount():,} edges")
        print(f"{len(sizes)} communities; modularity {partition.modularity:.4f}")
        print("largest sizes: " + ", ".join(str(int(s)) for s in list(sizes)[:10]))
    return 0


def _cutoffs(value: str | None):
    """``--cutoff 0.95`` or ``--cutoff influence=0.9,reach=0.95`` -> the ``cutoffs=`` of wb.roles.score."""
    if value is None:
        return None
    try:
        if "=" not in value:
            return float(value)
        return {key.strip(): float(number) for key, number in (item.split("=", 1) for item in _csv(value) or [])}
    except ValueError:
        raise ParameterError(f"--cutoff takes a percentile such as 0.95 or influence=0.9,reach=0.95; got {value!r}") \
            from None


def cmd_roles(args: argparse.Namespace) -> int:
    import warnings

    import workbench as wb
    from workbench import roles

    with wb.open(args.db) as store:
        run = args.run if args.run is not None else store.latest_community_run()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RoleEvidenceWarning)  # printed below from the scores' attrs
            scores = roles.score(store, run_id=run, focal=_csv(args.focal), save=True, cutoffs=_cutoffs(args.cutoff),
                                 min_confidence=args.min_confidence)
        run_id = scores.attrs.get("run_id")
        labels = scores.attrs["params"]["labels"]
        how = ("labels from evidence: a role only where the account stands out with probability "
               f">= {args.min_confidence:g}" if labels == "evidence"
               else "labels from percentile cut-offs " + ", ".join(
                   f"{k} {v:g}" for k, v in scores.attrs["params"]["cutoffs"].items()))
        print(f"scoring run {run_id} on {len(scores):,} accounts"
              + (f", using community run {run}" if run is not None else " (no community run)") + f"; {how}")
        for message in scores.attrs.get("warnings", []):
            print(f"warning: {visible(message)}")
        for note in scores.attrs.get("notes", []):
            print(f"note: {visible(note)}")
        print(scores["role"].value_counts().to_string())
        for role in ("influencer", "networker", "hub"):
            top = scores[scores["role"] == role].sort_values("influence" if role != "networker" else "reach",
                                                             ascending=False).head(args.top)
            if len(top):
                print(f"\ntop {role}s:")
                _print_frame(top[[c for c in ("handle", "account_id", "confidence", "visibility", "influence", "reach",
                                              "activity") if c in top.columns]])
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import workbench as wb
    from workbench import export

    with wb.open(args.db, read_only=True) as store:
        if args.scores:
            written = [export.export_scores(store, args.to, run_id=args.scores_run)]
        else:
            written = export.export(store, args.to, run_id=args.run, scores_run=args.scores_run,
                                    dynamic=args.dynamic, graph=args.graph, **_graph_kwargs(args))
    for path in written if isinstance(written, (list, tuple)) else [written]:
        print(f"wrote {path}")
    return 0


def cmd_focal(args: argparse.Namespace) -> int:
    import workbench as wb
    from workbench import focal

    if args.action == "list":
        with wb.open(args.db, read_only=True) as store:
            listed = focal.listed(store)
        if not len(listed):
            print(focal.HOW_TO_SET)
            return 0
        print(f"{len(listed)} focal account(s):")
        _print_frame(listed)
        return 0
    if not args.names:
        raise WorkbenchError(f"focal {args.action}: name at least one account (a handle such as @brand or an id)")
    with wb.open(args.db) as store:
        ids = (focal.add if args.action == "add" else focal.remove)(store, args.names)
        total = len(focal.listed(store))
    verb = "flagged" if args.action == "add" else "unflagged"
    print(f"{verb} {len(ids)} account(s): {', '.join(ids)}; {total} focal account(s) in {args.db}")
    return 0


def report_parameters(args: argparse.Namespace) -> dict:
    """The notebook parameters that ``workbench report``'s options set (only those given)."""
    from workbench.checks import check_kinds

    given = {"kinds": list(check_kinds(args.kinds)) if args.kinds else None, "method": args.method,
             "resolution": args.resolution, "seed": args.seed, "since": args.since, "until": args.until,
             "focal_accounts": _csv(args.focal), "period": args.period, "max_edges": args.max_edges}
    return {key: value for key, value in given.items() if value is not None}


def cmd_report(args: argparse.Namespace) -> int:
    from workbench import reports

    result = reports.render(args.db, args.out, pseudonymize=args.pseudonymize, code=not args.no_code,
                            parameters=report_parameters(args), jobs=args.jobs)
    for path in [*result.pages, result.index]:
        print(f"wrote {path}")
    print(f"{len(result.pages)} pages in {result.seconds:.0f} s")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import workbench as wb
    from workbench import datasets

    from workbench import containment

    db = Path(args.db)
    containment.check_path(str(db), read_only=False)  # the demo replaces a workspace, never another file
    export_path = datasets.write_sample(Path(args.data) / "brand_community.jsonl.gz")
    if db.exists():
        db.unlink()
    with wb.open(db) as store:
        report = wb.load(store, export_path)
        from workbench import focal

        focal.add(store, focal.SAMPLE_FOCAL)  # the sample's brand: advocates and responsiveness measure against it
        print(report.summary())
        print()
        for name, rows in store.counts().items():
            print(f"  {name:<16} {rows:>9,}")
    if args.no_reports:
        return 0
    from workbench import reports

    written = reports.render_all(db, args.out, pseudonymize=False, include_code=False)
    print("\nreports:")
    for path in written:
        print(f"  {Path(path).resolve().as_uri()}")
    print(f"\nopen {Path(args.out).resolve() / 'index.html'} in a browser, "
          f"or `jupyter lab {reports.NOTEBOOKS_DIR}` to explore.")
    return 0


def cmd_campaigns(args: argparse.Namespace) -> int:
    import workbench as wb
    from workbench import campaigns

    action = args.campaign_command
    if not args.db:
        raise ParameterError("campaigns needs --db FILE (the workspace)")
    writes = action in ("add", "rename", "adjust", "delete") or (action == "detect" and not args.dry_run)
    with wb.open(args.db, read_only=not writes) as store:
        if action == "add":
            campaign_id = campaigns.add(store, args.name, start=args.start, end=args.end, hashtags=args.hashtags,
                                        note=args.note)
            print(visible(f"logged campaign {campaign_id}: {args.name}"))
        elif action == "list":
            _print_frame(campaigns.list(store), max_rows=200)
        elif action == "rename":
            row = campaigns.rename(store, args.campaign, args.name)
            print(visible(f"campaign {row['campaign_id']} is now {row['name']!r}"))
        elif action == "adjust":
            row = campaigns.adjust(store, args.campaign, start=args.start, end=args.end, hashtags=args.hashtags,
                                   note=args.note)
            print(visible(f"campaign {row['campaign_id']} {row['name']!r}: {row['start_at']} to {row['end_at']}"))
        elif action == "delete":
            campaigns.delete(store, args.campaign)
            print(f"deleted campaign {args.campaign}")
        elif action == "detect":
            found = campaigns.detect(store, hashtag=args.hashtag, focal=args.focal or None, since=args.since,
                                     until=args.until, min_lift=args.min_lift, save=not args.dry_run)
            if found.empty:
                print("no burst of activity found")
            for burst in found.itertuples():  # one line per burst
                status = ("logged as campaign" if burst.logged else
                          "already logged as campaign" if not args.dry_run else "not logged (--dry-run)")
                suffix = f" {burst.campaign_id}" if burst.campaign_id is not None and not args.dry_run else ""
                print(visible(f"{burst.start:%Y-%m-%d} to {burst.end:%Y-%m-%d} (exclusive): {burst.note}; "
                              f"{status}{suffix}"))
        else:  # compare
            if args.against:
                table = campaigns.side_by_side(store, [args.campaign, *args.against], baseline=args.baseline,
                                               after=args.after, run_id=args.run)
            else:
                table = campaigns.compare(store, args.campaign, baseline=args.baseline, after=args.after,
                                          run_id=args.run)
            import pandas as pd

            with pd.option_context("display.max_rows", 200, "display.width", 160, "display.max_columns", 40):
                print(_visible_frame(table.T).to_string())
    return 0


def _check_db(args: argparse.Namespace) -> None:
    """``--db`` names a workspace file: a command's in-memory workspace would be gone when it ends
    (a load would report success and keep nothing). Other paths are checked by ``wb.open``."""
    if getattr(args, "db", None) == ":memory:":
        raise WorkspaceError("--db :memory: keeps nothing once the command ends; name a workspace file "
                             "(created if missing)")


# -- parser ---------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("load", help="load exports into a workspace")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or zips (plain, .gz, .zst)")
    p.add_argument("--db", required=True, help="the workspace (DuckDB file), created if missing")
    p.add_argument("--format", default="auto", help="format id (default: detect each file)")
    p.add_argument("--strict", action="store_true", help="abort a file's load on its first bad record")
    p.add_argument("--platform", help="id prefix instead of the format's platform (edge lists)")
    p.add_argument("--kind", help="interaction kind of edge-list rows and graph-file edges that name none, e.g. "
                                  "reply for a KONECT reply network (default: mention, and the summary says so)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p.add_argument("--memory-limit", metavar="SIZE",
                   help="DuckDB's memory limit, e.g. 4GB (default 1GB); beyond it DuckDB spills to <db>.tmp")
    p.add_argument("--max-document-size", metavar="SIZE",
                   help="the largest JSON document read whole (default 256MiB; JSON lines stream in blocks)")
    p.add_argument("--max-expansion", type=float, metavar="RATIO",
                   help="refuse a compressed file that expands more than RATIO times (default 1000)")
    p.add_argument("--max-decompressed", metavar="SIZE", help="refuse an input larger than SIZE decompressed "
                                                              "(default: no limit; loads stream in bounded memory)")
    p.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                   help="normalise on DuckDB (default) or Apache Spark (edge lists so far)")
    p.add_argument("--spark-master", default="local[*]", help="Spark master URL (default local[*])")
    p.add_argument("--parquet", metavar="DIR", help="Spark's Parquet output (default: <db stem>.parquet beside --db)")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("attributes", help="account attributes: ground truth and labels (import, list)")
    attributes = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = attributes.add_parser("import", help="import an account-attribute CSV/TSV or SNAP label file")
    q.add_argument("path", metavar="FILE", help="CSV/TSV with a header (id column, then attributes) or `id value` lines")
    q.add_argument("--db", required=True, help="the workspace (it must hold the accounts the file names)")
    q.add_argument("--id-column", help="header name of the id column (default: the first column)")
    q.add_argument("--name", help="attribute name for a file without a header (default: label)")
    q.add_argument("--platform", help="match ids against this platform's accounts only")
    q.add_argument("--strict", action="store_true", help="abort on the first bad line; nothing changes")
    q.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    q.set_defaults(func=cmd_attributes_import)
    q = attributes.add_parser("list", help="the attributes of a workspace, or one attribute's values")
    q.add_argument("--db", required=True)
    q.add_argument("--name", help="show how many accounts hold each value of this attribute")
    q.add_argument("--top", type=int, default=30, help="how many values to show")
    q.set_defaults(func=cmd_attributes_list)

    p = sub.add_parser("info", help="what a workspace holds")
    p.add_argument("--db", required=True)
    p.add_argument("--loads", type=_non_negative, default=10, help="how many recent loads to list")
    p.set_defaults(func=cmd_info)

    def graph_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--kinds", help=f"interaction kinds, comma-separated (default {','.join(DEFAULT_KINDS)}); "
                                       "the interaction graph only")
        p.add_argument("--since", help="only interactions at or after this time (ISO 8601)")
        p.add_argument("--until", help="only interactions before this time (ISO 8601)")

    p = sub.add_parser("communities", help="detect communities and save the run")
    p.add_argument("--db", required=True)
    p.add_argument("--method", default="leiden")
    p.add_argument("--resolution", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--iterations", type=int, metavar="N",
                   help="Leiden's iterations (default: until converged; 2 is the fast choice)")
    p.add_argument("--max-edges", type=_non_negative, metavar="N",
                   help="raise the size limit of walktrap (default 20,000 edges) and girvan_newman (1,000); "
                        "both slow down steeply with size")
    p.add_argument("--graph", default="interactions", choices=("interactions", "hashtags", "accounts-hashtags"),
                   help="the interaction graph of accounts (default), hashtags used together (the run's "
                        "communities are of hashtags), or accounts x hashtags (accounts grouped by the hashtags "
                        "they use, with the hashtags)")
    graph_options(p)
    p.set_defaults(func=cmd_communities)

    p = sub.add_parser("roles", help="score accounts (influencers, networkers, hubs) and save the run")
    p.add_argument("--db", required=True)
    p.add_argument("--run", type=int, help="community run to use (default: the newest, if any)")
    p.add_argument("--focal", help="focal accounts (handles or ids), comma-separated")
    p.add_argument("--top", type=int, default=10, help="how many accounts to list per role")
    p.add_argument("--cutoff", help="label by percentile cut-offs instead of evidence: 0.95, or "
                                    "influence=0.9,reach=0.95")
    p.add_argument("--min-confidence", type=float, default=0.9,
                   help="probability of standing out that a label from evidence needs (default 0.9)")
    p.set_defaults(func=cmd_roles)

    p = sub.add_parser("export", help="export a graph with its analysis (GraphML, GEXF, Parquet, CSV), or the scores")
    p.add_argument("--db", required=True)
    p.add_argument("--to", required=True, help="FILE.graphml, FILE.gexf, FILE.parquet or FILE.csv")
    p.add_argument("--run", type=int, help="community run whose communities become a node attribute")
    p.add_argument("--scores-run", type=int, metavar="RUN",
                   help="scoring run whose roles and scores the nodes carry (default: the newest, if any)")
    p.add_argument("--scores", action="store_true",
                   help="write the scores table of the scoring run (FILE.csv or FILE.parquet) instead of a graph")
    p.add_argument("--dynamic", action="store_true",
                   help="GEXF with spells: Gephi's timeline plays the accounts joining and the interactions")
    p.add_argument("--graph", default="interactions", choices=("interactions", "hashtags", "accounts-hashtags"),
                   help="the interaction graph (default), hashtag co-occurrence, or accounts x hashtags")
    graph_options(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("focal", help="flag, unflag or list the focal (brand) accounts")
    p.add_argument("action", choices=["add", "remove", "list"])
    p.add_argument("names", nargs="*", metavar="ACCOUNT", help="handles (@brand or brand) or account ids")
    p.add_argument("--db", required=True)
    p.set_defaults(func=cmd_focal)

    p = sub.add_parser("report", help="render every notebook against a workspace as self-contained HTML")
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--pseudonymize", action="store_true", help="replace ids, handles and names by keyed hashes")
    p.add_argument("--no-code", action="store_true", help="hide code cells")
    p.add_argument("--kinds", help=f"interaction kinds of the graph, comma-separated (default {','.join(DEFAULT_KINDS)})")
    p.add_argument("--method", help="community detection method (default leiden)")
    p.add_argument("--resolution", type=float, help="resolution of leiden or louvain (default 1.0)")
    p.add_argument("--seed", type=int, help="random seed (default 0)")
    p.add_argument("--since", help="only data at or after this time (ISO 8601)")
    p.add_argument("--until", help="only data before this time (ISO 8601)")
    p.add_argument("--focal", help="focal accounts for this report (handles or ids, comma-separated); "
                                   "default: those flagged with `workbench focal add`")
    p.add_argument("--period", choices=["auto", "day", "week", "month", "hour", "minute"],
                   help="period of the charts (default auto: the coarsest that cuts the data's span into five)")
    p.add_argument("--max-edges", type=_non_negative, metavar="N",
                   help="raise the size limit of --method walktrap (default 20,000 edges) or girvan_newman (1,000)")
    p.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (default 2)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("campaigns", help="the decision log: log, detect and compare campaigns")
    p.add_argument("--db", help="the workspace (also accepted after the action)")
    p.set_defaults(func=cmd_campaigns)
    actions = p.add_subparsers(dest="campaign_command", required=True, metavar="ACTION")
    actions_parsers = []
    a = actions.add_parser("add", help="log a campaign")
    a.add_argument("name")
    a.add_argument("--start", required=True, help="first day or time (ISO 8601, UTC)")
    a.add_argument("--end", required=True, help="end, exclusive (ISO 8601; a date means its midnight)")
    a.add_argument("--hashtags", help="hashtags, comma-separated")
    a.add_argument("--note", help="what was done and why")
    actions_parsers.append(actions.add_parser("list", help="the decision log"))
    a = actions.add_parser("detect", help="find bursts of activity and log them (source detected)")
    a.add_argument("--hashtag", help="only posts with this hashtag")
    a.add_argument("--focal", action="store_true", help="only actions towards the focal accounts")
    a.add_argument("--since", help="search from this time (ISO 8601)")
    a.add_argument("--until", help="search before this time (ISO 8601)")
    a.add_argument("--min-lift", type=float, default=1.5, help="a burst has at least this many times the usual actions")
    a.add_argument("--dry-run", action="store_true", help="show the bursts without logging them")
    a = actions.add_parser("compare", help="before, during and after a campaign (or several side by side)")
    a.add_argument("campaign", help="campaign id or name")
    a.add_argument("--against", nargs="+", metavar="CAMPAIGN", help="other campaigns to put side by side")
    a.add_argument("--baseline", type=float, help="days before the campaign (default: as long as the campaign)")
    a.add_argument("--after", type=float, help="days after the campaign (default: as long as the campaign)")
    a.add_argument("--run", type=int, help="community run: one row per window and community")
    a = actions.add_parser("rename", help="rename a campaign")
    a.add_argument("campaign", help="campaign id or name")
    a.add_argument("name")
    a = actions.add_parser("adjust", help="move a campaign's window or change its hashtags or note")
    a.add_argument("campaign", help="campaign id or name")
    a.add_argument("--start")
    a.add_argument("--end")
    a.add_argument("--hashtags")
    a.add_argument("--note")
    a = actions.add_parser("delete", help="remove a campaign from the log")
    a.add_argument("campaign", help="campaign id or name")
    actions_parsers.extend(actions.choices[name] for name in ("add", "detect", "compare", "rename", "adjust", "delete"))
    for action_parser in actions_parsers:
        action_parser.add_argument("--db", default=argparse.SUPPRESS, help="the workspace (DuckDB file)")

    p = sub.add_parser("demo", help="bundled sample -> workspace -> reports (in data/ and reports/ of the "
                                    "current directory)")
    p.add_argument("--db", default="data/demo.duckdb")
    p.add_argument("--data", default="data/sample", help="where the sample export is written")
    p.add_argument("--out", default="reports")
    p.add_argument("--no-reports", action="store_true", help="load only")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _check_db(args)
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # here, where a reader that went away is caught, not at interpreter exit
        return code
    except WorkbenchError as error:
        if args.debug:
            raise
        message = visible(" ".join(str(error).split()))
        print(f"workbench {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"workbench {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`workbench info | head`): stop quietly, as a command killed by SIGPIPE
        # would. Python flushes stdout once more at exit; pointing it at /dev/null keeps that quiet too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 128 + 13


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
