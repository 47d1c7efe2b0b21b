"""The decision log: campaigns as named windows, kept in the workspace's ``campaigns`` table.

A campaign is a half-open window ``[start_at, end_at)`` in UTC with a name (unique in the
workspace), the hashtags it used (stored without ``#``, lower case), a free note and its
``source``: ``manual`` when a person logged it, ``detected`` when :func:`workbench.campaigns.detect`
found it. Detected campaigns are ordinary rows: rename, adjust or delete them like any other.

Examples
--------
>>> import workbench as wb
>>> store = wb.open(":memory:")
>>> spring = add(store, "Spring ride", start="2022-03-28", end="2022-04-04", hashtags=["#SpringRide"],
...              note="prize draw for riders who post a photo")
>>> log(store)[["campaign_id", "name", "hashtags", "source"]].values.tolist()
[[1, 'Spring ride', ['springride'], 'manual']]
>>> rename(store, spring, "Spring ride 2022")["name"]
'Spring ride 2022'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from workbench.checks import TimeLike, check_time
from workbench.errors import ParameterError

__all__ = ["SOURCES", "CampaignLike", "add", "log", "get", "rename", "adjust", "delete", "check_hashtags",
           "resolve", "overview"]

SOURCES = ("manual", "detected")
_HASHTAG = re.compile(r"^#?(\w+)$")

#: What names a campaign: its id, its name, a row of :func:`log` (or any mapping with ``start_at`` and
#: ``end_at``), or a ``(start, end)`` pair for a window that is not logged.
CampaignLike = int | str | Mapping[str, Any] | pd.Series | tuple


def check_hashtags(hashtags: str | Iterable[str] | None) -> list[str]:
    """Hashtags in their stored form: without ``#``, lower case, each once.

    A comma- or space-separated string is accepted.

    >>> check_hashtags("#SpringRide, kestrel")
    ['springride', 'kestrel']
    >>> check_hashtags(["#two words"])
    Traceback (most recent call last):
    ...
    workbench.errors.ParameterError: a hashtag is letters, digits and underscores after an optional '#'; got '#two words'
    """
    if hashtags is None:
        return []
    if isinstance(hashtags, str):
        hashtags = [part for part in re.split(r"[,\s]+", hashtags) if part]
    out: list[str] = []
    for tag in hashtags:
        match = _HASHTAG.match(str(tag).strip())
        if not match:
            raise ParameterError(f"a hashtag is letters, digits and underscores after an optional '#'; got {tag!r}")
        if match.group(1).lower() not in out:
            out.append(match.group(1).lower())
    return out


def _window(start: TimeLike, end: TimeLike) -> tuple[datetime, datetime]:
    start_at, end_at = check_time(start, name="start"), check_time(end, name="end")
    if start_at is None or end_at is None:
        raise ParameterError("a campaign needs both a start and an end (ISO 8601 dates or times; the end is exclusive)")
    if end_at <= start_at:
        raise ParameterError(f"a campaign's end ({end_at.isoformat()}) must be after its start ({start_at.isoformat()})")
    return start_at, end_at


def log(store) -> pd.DataFrame:
    """The decision log: one row per campaign, by the start of its window.

    Returns
    -------
    pandas.DataFrame
        ``campaign_id, name, start_at, end_at, hashtags, note, source, created_at``.
    """
    frame = store.query("campaigns.list")
    frame["hashtags"] = frame["hashtags"].map(list)  # arrays from DuckDB; the log is a few rows
    return frame


def _check_name(store, name: str, *, other_than: int | None = None) -> str:
    name = str(name).strip()
    if not name:
        raise ParameterError("a campaign needs a name")
    frame = log(store)
    taken = frame[(frame["name"] == name) & (frame["campaign_id"] != (other_than or -1))]
    if len(taken):
        raise ParameterError(f"a campaign named {name!r} is already logged (id {int(taken['campaign_id'].iloc[0])}); "
                             "choose another name")
    return name


def add(store, name: str, *, start: TimeLike, end: TimeLike, hashtags: str | Iterable[str] | None = None,
        note: str | None = None, source: str = "manual") -> int:
    """Log a campaign; returns its ``campaign_id``.

    Parameters
    ----------
    name : str
        Unique in the workspace (``"Spring ride 2022"``).
    start, end : str or datetime
        The window ``[start, end)``; a date means its midnight UTC, so ``end="2022-04-04"``
        includes all of 3 April.
    hashtags : str or list of str, optional
        The campaign's hashtags, with or without ``#``.
    note : str, optional
        What was done and why: the decision log's free text.
    source : {"manual", "detected"}
    """
    store._check_writable()
    if source not in SOURCES:
        raise ParameterError(f"source must be one of {', '.join(SOURCES)}; got {source!r}")
    start_at, end_at = _window(start, end)
    frame = store.query("campaigns.insert", campaign_name=_check_name(store, name), start_at=start_at, end_at=end_at,
                        hashtags=check_hashtags(hashtags), note=note, source=source,
                        created_at=datetime.now(timezone.utc))
    return int(frame["campaign_id"].iloc[0])


def get(store, campaign: int | str) -> pd.Series:
    """One logged campaign by id or name, as a row of :func:`log`; a clear error naming the log otherwise."""
    frame = log(store)
    if isinstance(campaign, str) and not campaign.strip().isdigit():
        found = frame[frame["name"] == campaign]
    else:
        found = frame[frame["campaign_id"] == int(campaign)]
    if found.empty:
        known = ", ".join(f"{int(r.campaign_id)} {r.name!r}" for r in frame.head(10).itertuples()) or "none logged"
        raise ParameterError(f"no campaign {campaign!r} in the workspace (campaigns: {known})")
    return found.iloc[0]


def resolve(store, campaign: CampaignLike) -> dict[str, Any]:
    """``campaign`` as a dict with ``campaign_id`` (None when not logged), ``name``, ``start_at``, ``end_at``, ``hashtags``."""
    if isinstance(campaign, tuple):
        if len(campaign) != 2:
            raise ParameterError(f"a window is a (start, end) pair; got {campaign!r}")
        start_at, end_at = _window(*campaign)
        return {"campaign_id": None, "name": f"{start_at:%Y-%m-%d} to {end_at:%Y-%m-%d}", "start_at": start_at,
                "end_at": end_at, "hashtags": []}
    if isinstance(campaign, (Mapping, pd.Series)):
        if "start_at" not in campaign or "end_at" not in campaign:
            raise ParameterError("a campaign given as a mapping needs start_at and end_at")
        start_at, end_at = _window(campaign["start_at"], campaign["end_at"])
        cid = campaign.get("campaign_id")
        return {"campaign_id": None if cid is None or pd.isna(cid) else int(cid),
                "name": str(campaign.get("name") or f"{start_at:%Y-%m-%d} to {end_at:%Y-%m-%d}"),
                "start_at": start_at, "end_at": end_at,
                "hashtags": check_hashtags(list(campaign.get("hashtags") if campaign.get("hashtags") is not None else []))}
    row = get(store, campaign)
    return {"campaign_id": int(row["campaign_id"]), "name": row["name"],
            "start_at": check_time(row["start_at"], name="start_at"), "end_at": check_time(row["end_at"], name="end_at"),
            "hashtags": list(row["hashtags"])}


def _update(store, campaign: int | str, **changes: Any) -> pd.Series:
    store._check_writable()
    row = get(store, campaign)
    values = {"name": row["name"], "start_at": row["start_at"], "end_at": row["end_at"],
              "hashtags": list(row["hashtags"]), "note": row["note"] if pd.notna(row["note"]) else None}
    values.update({k: v for k, v in changes.items() if v is not None})
    values["start_at"], values["end_at"] = _window(values["start_at"], values["end_at"])
    values["name"] = _check_name(store, values["name"], other_than=int(row["campaign_id"]))
    values["hashtags"] = check_hashtags(values["hashtags"])
    values["campaign_name"] = values.pop("name")
    store.execute("campaigns.update", campaign_id=int(row["campaign_id"]), **values)
    return get(store, int(row["campaign_id"]))


def rename(store, campaign: int | str, name: str) -> pd.Series:
    """Give a campaign a new (unique) name; returns its row."""
    return _update(store, campaign, name=name)


def adjust(store, campaign: int | str, *, start: TimeLike = None, end: TimeLike = None,
           hashtags: str | Iterable[str] | None = None, note: str | None = None) -> pd.Series:
    """Move a campaign's window or change its hashtags or note (what is not given stays); returns its row."""
    return _update(store, campaign, start_at=start, end_at=end, hashtags=hashtags, note=note)


def delete(store, campaign: int | str) -> None:
    """Remove a campaign from the log."""
    store._check_writable()
    row = get(store, campaign)
    store.execute("campaigns.delete", campaign_id=int(row["campaign_id"]))




def overview(store, *, since: TimeLike = None, until: TimeLike = None, detected: bool = True,
             **detect_options: Any) -> pd.DataFrame:
    """The logged campaigns plus, when ``detected``, the bursts detection finds that no logged campaign covers.

    Nothing is written: found bursts come with ``campaign_id`` NA and ``logged`` False (log them with
    :func:`workbench.campaigns.detect`). For timelines and notebooks.

    Returns
    -------
    pandas.DataFrame
        ``campaign_id, name, start_at, end_at, hashtags, note, source, logged``, ``actions`` (inside the
        window, whole days), by start.
    """
    from workbench.campaigns.detect import detect

    frame = log(store).drop(columns="created_at")
    frame["campaign_id"] = frame["campaign_id"].astype("Int64")
    frame["logged"] = True
    if detected:
        found = detect(store, since=since, until=until, save=False, **detect_options)
        if len(found):
            start = found["start"].dt.tz_localize("UTC")
            end = found["end"].dt.tz_localize("UTC")
            covered = [bool(((frame["start_at"] < e) & (frame["end_at"] > s)).any()) for s, e in zip(start, end)]
            extra = pd.DataFrame({"campaign_id": pd.array([None] * len(found), dtype="Int64"), "name": found["name"],
                                  "start_at": start, "end_at": end, "hashtags": [[] for _ in range(len(found))],
                                  "note": found["note"], "source": "detected", "logged": False})
            frame = pd.concat([frame, extra[~pd.Series(covered, index=extra.index)]], ignore_index=True)
    frame = frame.sort_values(["start_at", "name"], kind="stable", ignore_index=True)
    # actions inside each window, from the daily series (a few campaigns against a few hundred days)
    from workbench.campaigns.detect import daily

    series = daily(store, since=since, until=until)
    days = series["day"].dt.tz_localize("UTC")
    frame["actions"] = [int(series.loc[(days >= s) & (days < e), "actions"].sum())
                        for s, e in zip(frame["start_at"], frame["end_at"])]
    return frame
