"""Key findings: the short summary a report's index page opens with, each linked to the section that shows it.

A colleague opening a report reads first what it found, with the numbers, and follows a link to the
section that shows it: the communities and their sizes, who the influencers, networkers and hubs are
(with the confidence of each label), the advocates of the focal accounts, how the applause,
amplification and conversation rates moved between the first and the last full period, and the
busiest campaign. :func:`collect` reads the analysis the report already computed once for all its
notebooks (the session's partition and scores, :mod:`workbench.snapshot`) and computes nothing of
it again; names pass through the session's pseudonymiser when the report is pseudonymised.

Each finding links to a section of a rendered page by the anchor nbconvert gives its heading
(``02_communities.html#Communities-with-the-chosen-method``): :data:`SECTIONS` names them, and the
tests check that each anchor exists in the page.

Examples
--------
>>> found = Finding("communities", "<b>12 accounts</b> form <b>2 communities</b>.", link_to("communities"))
>>> to_html([found])  # doctest: +ELLIPSIS
'<section id="key-findings"><h2>Key findings</h2><ul><li ...<a class="wb-finding-link" href="02_communities.html#Communities-with-the-chosen-method">See the section</a></li></ul></section>'
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import pandas as pd

from workbench.errors import EmptyGraphError

__all__ = ["Finding", "SECTIONS", "collect", "to_html", "index_page", "link_to", "RATES"]

#: Where each finding's evidence is shown: page and the anchor of its section heading.
SECTIONS = {
    "communities": ("02_communities", "Communities-with-the-chosen-method"),
    "roles": ("03_influencers_vs_networkers", "Top-accounts-per-role"),
    "advocates": ("03_influencers_vs_networkers", "Advocates"),
    "engagement": ("04_community_health", "Engagement"),
    "campaign": ("06_campaigns", "Before,-during-and-after"),
}
#: The engagement rates a finding compares, with how the summary names their unit.
RATES = {"applause_rate": "likes", "amplification_rate": "shares and quotes", "conversation_rate": "replies"}
_LISTED = 3  # names per role and advocates in a finding


@dataclass
class Finding:
    """One finding: its topic, the sentence (HTML, numbers included), the link to its section, and the values."""

    topic: str
    html: str
    link: str
    values: dict[str, Any] = field(default_factory=dict)


def link_to(topic: str, pages: Sequence[str] | None = None) -> str:
    """The link to the section of ``topic`` (empty when its page is not among ``pages``)."""
    page, anchor = SECTIONS[topic]
    if pages is not None and page not in pages:
        return ""
    return f"{page}.html#{anchor}"


def _names(session: Any, frame: pd.DataFrame, column: str = "handle") -> list[str]:
    shown = session.table(frame[[column]].astype(object))
    return [html.escape(str(v)) for v in shown[column]]


def _communities(session: Any) -> tuple[str, dict[str, Any]]:
    sizes = session.memberships["community"].value_counts()
    total = int(sizes.sum())
    modularity = float(getattr(session.partition, "modularity", float("nan")))
    largest = [(int(c), int(n)) for c, n in sizes.head(_LISTED).items()]
    parts = ", ".join(f"community {c} with {n:,} accounts ({n / total:.0%})" for c, n in largest)
    text = (f"<b>{total:,} accounts</b> in the interaction graph form <b>{len(sizes):,} communities</b> "
            f"({html.escape(session.method)}, resolution {session.resolution:g}"
            + (f", modularity {modularity:.2f}" if modularity == modularity else "") + f"). The largest: {parts}.")
    return text, {"accounts": total, "communities": int(len(sizes)), "largest": largest, "modularity": modularity}


def _roles(session: Any) -> tuple[str, dict[str, Any]]:
    scores = session.scores
    sentences, values = [], {}
    for role, by in (("influencer", "influence"), ("networker", "reach"), ("hub", "influence")):
        chosen = scores[scores["role"] == role].sort_values(by, ascending=False, kind="stable")
        top = chosen.head(_LISTED)
        names = _names(session, top)
        values[role] = {"count": int(len(chosen)), "names": names, "confidence": top["confidence"].round(2).tolist()}
        if len(chosen):
            listed = ", ".join(f"{name} (confidence {conf:.2f})" for name, conf in zip(names, top["confidence"]))
            sentences.append(f"<b>{len(chosen):,} {role}{'s' if len(chosen) != 1 else ''}</b>"
                             f"{', the first by ' + by if len(chosen) > len(top) else ''}: {listed}")
        elif role != "hub":
            sentences.append(f"no account stands out as {'an' if role == 'influencer' else 'a'} {role}")
    text = "Roles from evidence: " + "; ".join(sentences) + "."
    return text[0].upper() + text[1:], values


def _advocates(session: Any) -> tuple[str, dict[str, Any]]:
    from workbench import roles

    if not session.focal:
        return ("No focal accounts are set, so no advocates: flag the brand's accounts with "
                "<code>workbench focal add</code> or <code>--focal</code>."), {"names": []}
    found = roles.advocates(session.store, session.focal, kinds=("share", "quote", "mention", "reply"),
                            since=session.since, until=session.until, top=_LISTED)
    if not len(found):
        return "No account shares, quotes, mentions or replies to the focal accounts in this window.", {"names": []}
    names = _names(session, found)
    listed = ", ".join(f"{name} ({int(total):,} interactions)" for name, total in zip(names, found["total"]))
    return (f"The focal accounts' top <b>advocates</b> (most shares, quotes, mentions and replies toward them): "
            f"{listed}."), {"names": names, "totals": [int(t) for t in found["total"]]}


def _engagement(session: Any) -> tuple[str, dict[str, Any]]:
    from workbench import metrics

    frame = metrics.engagement(session.store, period=session.period, since=session.since, until=session.until)
    if len(frame) < 2:
        return ("Engagement rates need collected posts with the platform's counters in at least two "
                f"{session.period}s; this window has {len(frame)}."), {}
    frame = session.mark_partial(frame)
    full = frame[~frame["partial"]]
    chosen, which = (full, "full ") if len(full) >= 2 else (frame, "")
    first, last = chosen.iloc[0], chosen.iloc[-1]
    moves, values = [], {"first": first["period"], "last": last["period"], "full": bool(which)}
    for rate, unit in RATES.items():
        before, after = first[rate], last[rate]
        values[rate] = (None if pd.isna(before) else float(before), None if pd.isna(after) else float(after))
        if pd.isna(before) or pd.isna(after):
            moves.append(f"the {rate.replace('_', ' ')} cannot be compared (no counter)")
            continue
        change = f" ({(after - before) / before:+.0%})" if before else ""
        verb = "rose" if after > before else ("fell" if after < before else "stayed")
        moves.append(f"the {rate.replace('_', ' ')} {verb} from {before:.2f} to {after:.2f} {unit} per post{change}")
    period = session.period
    text = (f"Between the first and the last {which}{period} ({_when(first['period'], period)} and "
            f"{_when(last['period'], period)}), " + ", ".join(moves[:-1]) + " and " + moves[-1] + ".")
    return text, values


def _when(value: Any, period: str) -> str:
    stamp = pd.Timestamp(value)
    return f"{stamp:%Y-%m-%d %H:%M}" if period in ("hour", "minute") else f"{stamp:%Y-%m-%d}"


def _campaign(session: Any) -> tuple[str, dict[str, Any]]:
    from workbench import campaigns

    known = campaigns.overview(session.store, since=session.since, until=session.until)
    if not len(known):
        return ("No campaign is logged and detection finds no burst of activity: log one with "
                "<code>workbench campaigns add</code>."), {}
    busiest = known.loc[known["actions"].idxmax()]
    name = html.escape(str(session.privacy.text(busiest["name"])))
    table = campaigns.compare(session.store, busiest)
    during, before = table.loc["during"], table.loc["before"]
    source = "logged" if bool(busiest["logged"]) else "detected"
    text = (f"The busiest campaign is <b>{name}</b> ({source}, {busiest['start_at']:%Y-%m-%d} to "
            f"{busiest['end_at']:%Y-%m-%d}, end exclusive): <b>{int(busiest['actions']):,} actions</b>, "
            f"{int(during['new_members']):,} new members against {int(before['new_members']):,} in as long before it.")
    return text, {"name": name, "actions": int(busiest["actions"]), "start_at": busiest["start_at"],
                  "end_at": busiest["end_at"], "new_members": int(during["new_members"]),
                  "new_members_before": int(before["new_members"])}


def collect(session: Any, *, pages: Sequence[str] | None = None) -> list[Finding]:
    """The key findings of ``session`` (a report's shared session, or any notebook session).

    ``pages``: the notebooks the report rendered; a finding whose section is on another page has no link.
    """
    found = []
    steps = (("communities", _communities), ("roles", _roles), ("advocates", _advocates),
             ("engagement", _engagement), ("campaign", _campaign))
    for topic, step in steps:
        try:
            text, values = step(session)
        except EmptyGraphError as error:
            if topic in ("communities", "roles"):
                text, values = f"No interaction graph in this window: {html.escape(str(error))}", {}
            else:
                raise
        found.append(Finding(topic=topic, html=text, link=link_to(topic, pages), values=values))
    return found


def to_html(found: Sequence[Finding]) -> str:
    """The findings as the index page's section: a list, each item ending with the link to its section."""
    items = "".join(f'<li class="wb-finding" data-topic="{f.topic}">{f.html}'
                    + (f' <a class="wb-finding-link" href="{html.escape(f.link)}">See the section</a>' if f.link else "")
                    + "</li>" for f in found)
    return f'<section id="key-findings"><h2>Key findings</h2><ul>{items}</ul></section>'


def index_page(pages: Sequence[str], header: Mapping[str, Any], found: Sequence[Finding]) -> str:
    """A report's ``index.html``: the header table, the key findings, and the list of pages (file names)."""
    items = "".join(f'<li><a href="{html.escape(name)}">{html.escape(name.rsplit(".", 1)[0].replace("_", " "))}</a></li>'
                    for name in pages)
    rows = "".join(f"<tr><td><b>{html.escape(str(k))}</b></td><td>{html.escape(str(v))}</td></tr>"
                   for k, v in header.items())
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Community Workbench reports</title>"
            "<style>body{font-family:sans-serif;max-width:900px;margin:2em auto;}td{padding:2px 10px 2px 0;}"
            ".wb-finding{margin:6px 0;line-height:1.4;}</style>"
            f"</head><body><h1>Community Workbench reports</h1><table>{rows}</table>{to_html(found)}"
            f'<h2 id="pages">Pages</h2><ul class="wb-pages">{items}</ul></body></html>')
