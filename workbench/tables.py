"""HTML tables for notebooks and reports: no index column, numbers formatted, wide tables scroll.

A pandas DataFrame displayed in a notebook shows its index (row numbers that mean nothing
to a reader) and, in an HTML report, a wide table is cut off by the page. :func:`table`
gives the table a reader should see; ``Session.show`` displays every table with it.
"""

from __future__ import annotations

import pandas as pd

from workbench.errors import ParameterError

__all__ = ["Table", "table"]


class Table:
    """An HTML table for notebooks and reports (``_repr_html_``), with the frame's text as its plain form."""

    def __init__(self, html: str, text: str):
        self.html = html
        self.text = text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def _cell_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return series.map(lambda v: "" if pd.isna(v) else ("yes" if v else "no"))
    if pd.api.types.is_integer_dtype(series):
        return series.map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
    if pd.api.types.is_float_dtype(series):
        return series.map(lambda v: "" if pd.isna(v) else (f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"))
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.map(lambda v: "" if pd.isna(v) else (v.strftime("%Y-%m-%d") if v == v.normalize()
                                                             else v.strftime("%Y-%m-%d %H:%M")))
    return series.map(lambda v: "" if v is None or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)) else str(v))


def table(frame: pd.DataFrame, *, total: int | None = None, max_rows: int = 200) -> Table:
    """``frame`` as an HTML table: no index column, numbers right-aligned with separators, sideways scrolling.

    A wide table scrolls inside its box instead of being cut off by the page; ``total``
    (the rows before the caller kept the first few) adds a line "first N of M rows".

    >>> t = table(pd.DataFrame({"handle": ["a<b"], "posts": [12345]}, index=[7]))
    >>> "12,345" in t.html and "a&lt;b" in t.html and ">7<" not in t.html
    True
    >>> pivot = pd.DataFrame({"rank": [1, 2], "community": [0, 0], "handle": ["x", "y"]}).pivot(
    ...     index="rank", columns="community", values="handle")
    >>> table(pivot).text.split()
    ['rank', '0', '1', 'x', '2', 'y']
    """
    import html as html_module

    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"table: expected a pandas DataFrame, got {type(frame).__name__}")
    shown = frame.head(max_rows)
    # a named index (a pivot's "rank") is data and becomes the first column; row numbers are dropped
    named = isinstance(shown.index, pd.MultiIndex) or shown.index.name is not None
    shown = shown.reset_index(drop=not named)
    shown.columns = [str(c) for c in shown.columns]
    numeric = [pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])
               for c in shown.columns]
    head = "".join(f'<th style="text-align:{"right" if num else "left"}">{html_module.escape(str(c))}</th>'
                   for c, num in zip(shown.columns, numeric))
    cells = [_cell_text(shown[c]).map(html_module.escape).tolist() for c in shown.columns]
    body = "".join(
        "<tr>" + "".join(f'<td style="text-align:{"right" if num else "left"}">{col[i]}</td>'
                         for col, num in zip(cells, numeric)) + "</tr>"
        for i in range(len(shown)))
    total = len(frame) if total is None else int(total)
    note = (f'<div class="wb-table-note">first {len(shown):,} of {total:,} rows</div>' if total > len(shown) else "")
    if not len(shown):
        note = '<div class="wb-table-note">no rows</div>'
    html = ('<div class="wb-table" style="overflow-x:auto;max-width:100%">'
            f'<table style="border-collapse:collapse;white-space:nowrap"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{note}</div>")
    text = shown.to_string(index=False) if len(shown) else "(no rows)"
    return Table(html, text)
