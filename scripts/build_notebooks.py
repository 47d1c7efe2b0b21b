"""Write notebooks/*.ipynb from the cell lists below (outputs stripped, a cell tagged ``parameters``).

The notebooks are the product; this script only keeps their shared parts (the
parameters cell, the start-up cell) identical. Edit a notebook here and run
``.venv/bin/python scripts/build_notebooks.py`` (``--check`` tells whether the
committed notebooks are what this script writes).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

PARAMETERS = '''\
db_path = ""  # a workspace made by `workbench load`; empty: the bundled sample, loaded in memory
export_path = ""  # with db_path empty: an export to load in memory instead of the sample
kinds = ["reply", "mention", "share", "quote"]  # interactions that make the graph
since = ""  # e.g. "2022-03-14"; empty: from the start
until = ""  # exclusive; empty: to the end
method = "leiden"  # leiden, louvain, infomap, label_propagation, walktrap, greedy_modularity
resolution = 1.0
seed = 0
focal_accounts = []  # handles or ids of the brand / focal accounts; empty: those flagged in the workspace
pseudonymize = False  # replace ids, handles and names by keyed pseudonyms in everything shown'''

START = '''\
import workbench as wb
from workbench import session, viz, widgets

s = session.start(db_path=db_path, export_path=export_path, kinds=kinds, since=since, until=until,
                  method=method, resolution=resolution, seed=seed, focal_accounts=focal_accounts,
                  pseudonymize=pseudonymize)
s.summary()'''


def md(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def code(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(text.strip("\n"))


def parameters() -> nbformat.NotebookNode:
    cell = code(PARAMETERS)
    cell.metadata["tags"] = ["parameters"]
    return cell


LOAD_AND_EXPLORE = [
    md("""
# 1. Load and explore

What is in the workspace: which platforms, which time span, how activity moves over time, who
receives the most attention, and where every record came from.

With `db_path` empty the notebook uses the bundled sample (the community around a fictional bicycle
brand, as a twarc2 export) loaded in memory. Point `db_path` at a workspace made with
`workbench load` to explore your own data. The workspace is opened read-only: nothing here writes
to it.
"""),
    parameters(),
    code(START),
    md("""
## Platforms and time span

Accounts, collected posts, context posts (referenced material that came with the export but was
not collected itself) and interactions per platform, with the first and last time seen.
"""),
    code('''
platforms = s.query("info.platforms")
s.show(platforms)'''),
    code('''viz.share_bars(platforms, category="platform", value="interactions", title="Interactions per platform")'''),
    md("""
## Activity over time

Collected posts per week by kind. A share (retweet, reblog) is a post too, but its counters belong
to the original, so the health metrics later leave shares out of the rates.
"""),
    code('''
activity = s.query("explore.activity", period="week")
viz.time_series(activity, y="posts", color="kind", title="Collected posts per week, by kind")'''),
    md("""
The panel below recomputes interactions per period in DuckDB: choose the period, the kinds and the
date range. (In a rendered report the chart shows the defaults; open the notebook in JupyterLab to
move the controls.)
"""),
    code('''
widgets.SeriesPanel(lambda period, kinds: s.query("explore.interactions_over_time", period=period, kinds=kinds),
                    metrics=["interactions"], color="kind", kinds=s.kinds, privacy=s.privacy,
                    title="Interactions per period")'''),
    md("""
## Who receives the most attention

Accounts ranked by interactions received (of the chosen kinds, self-interactions left out), with
how many distinct accounts those came from. A high count from few sources is a conversation; from
many sources, an audience.
"""),
    code('''
top = s.query("explore.top_accounts", n=15)
s.show(top[["handle", "display_name", "followers", "posts", "received", "mentions", "replies", "shares",
            "quotes", "distinct_sources"]])'''),
    code('''viz.ranked_bars(s.table(top), label="handle", value="received", title="Interactions received (top 15)")'''),
    md("""
## Provenance

Every load: the file, its format and sha256, how many records were read, loaded and rejected. Cite
these with any result. Rejected records stay in the `rejects` table with the reason.
"""),
    code('''
s.show(s.query("explore.loads")[["load_id", "path", "format", "status", "sha256", "records_read",
                                 "records_loaded", "records_rejected", "unresolved"]])
rejects = s.query("explore.reject_reasons")
s.show(rejects) if len(rejects) else print("No rejected records.")'''),
]

COMMUNITIES = [
    md("""
# 2. Communities

Who talks with whom: communities detected in the interaction graph, how they depend on the method
and its resolution, how stable they are across random seeds, and who and what each community is
about. Communities are computed in memory and never saved to the workspace.
"""),
    parameters(),
    code(START + '''
import pandas as pd
from workbench import communities'''),
    md("""
## The interaction graph

One edge per ordered pair of accounts, weighted by the number of interactions of the chosen kinds
in the chosen window. Self-interactions are dropped.
"""),
    code('''
g = s.graph
print(f"{g.vcount():,} accounts and {g.ecount():,} weighted edges from {', '.join(s.kinds)}")'''),
    md("""
## Communities with the chosen method

Modularity compares the share of edges inside communities with what a random graph of the same
degrees would have (Newman & Girvan 2004); coverage is the share of edge weight inside
communities; conductance, per community, the share of its edge weight that leaves it (lower is
more self-contained).
"""),
    code('''
partition = s.partition
sizes = s.memberships.groupby("community", as_index=False).size()
quality = communities.quality(g, partition)
print(f"{s.method}, resolution {s.resolution}: {len(sizes)} communities")
s.show(pd.DataFrame([quality.summary()]))
s.show(quality.communities.drop(columns=["top_accounts"]), rows=10)'''),
    code('''viz.community_sizes(sizes, title=f"Community sizes ({s.method}, resolution {s.resolution})")'''),
    md("""
## Resolution sweep

The resolution parameter sets the scale: low values merge communities, high values split them.
A range of resolutions where the number of communities stays flat is a scale the data supports.
"""),
    code('''
sweep_method = s.method if s.method in communities.RESOLUTION_METHODS else "leiden"
sweep = communities.sweep(g, [0.25, 0.5, 1.0, 2.0, 4.0], method=sweep_method, seeds=(0, 1, 2))
viz.resolution_sweep(sweep, measures=("n_communities", "modularity", "stability"),
                     title=f"Resolution sweep ({sweep_method}; stability = mean NMI over three seeds)")'''),
    md("""
## Stability across seeds

The same method with different random seeds; each run is compared with the others by normalised
mutual information (NMI, 1 = identical partitions). Low values mean the partition is one of many
equally good ones: read single communities with care.
"""),
    code('''
options = {"resolution": s.resolution} if s.method in communities.RESOLUTION_METHODS else {}
stability = communities.stability(g, s.method, seeds=range(5), **options)
print(f"mean NMI between runs with seeds 0-4: {stability.mean_nmi:.3f}")
viz.stability(stability.pairwise.assign(method=s.method), group="method", value="nmi",
              title="NMI between pairs of runs with different seeds")'''),
    md("""
## Move the resolution

Drag the slider (or change the method) and watch communities merge or split. The number of
communities is shown above the chart.
"""),
    code('''widgets.CommunityPanel(g, method=s.method, resolution=s.resolution, seed=s.seed, privacy=s.privacy)'''),
    md("""
## Who and what each community is about

For the largest communities: the accounts that receive the most interactions, and the most used
hashtags and links in the community's own posts (where the export has them).
"""),
    code('''
largest = s.largest_communities(6)
with s.registered("partition_frame", s.memberships[s.memberships["community"].isin(largest)]):
    top_accounts = s.query("explore.community_top_accounts", n=5)
    hashtags = s.query("explore.community_hashtags", n=5)
    links = s.query("explore.community_links", n=3)
s.show(top_accounts.pivot(index="rank", columns="community", values="handle"))'''),
    code('''
s.show(hashtags.pivot(index="rank", columns="community", values="tag")) if len(hashtags) else print("No hashtags in these posts.")
s.show(links, rows=18) if len(links) else print("No links in these posts.")'''),
    md("""
## Network view

The accounts with the highest influence, coloured by community and sized by influence. In
JupyterLab this is an interactive ipysigma view (zoom, search, hover); the report shows a static
drawing.
"""),
    code('''widgets.NetworkView(g, s.memberships, scores=s.scores, size_by="influence", max_nodes=250, seed=s.seed, privacy=s.privacy)'''),
]

ROLES = [
    md("""
# 3. Influencers versus networkers

Two different kinds of important account. **Influencers** are listened to: what they post gets
amplified and answered, consistently and by many distinct accounts. **Networkers** reach far: large
audiences, many partners, presence across communities. Followers alone predict neither (Cha et al.
2010). Every score is a percentile rank in [0, 1] within this workspace.

| role | influence | reach |
|---|---|---|
| influencer | top | below top |
| networker | below top | top |
| hub | top | top |
| regular | below top | below top |
"""),
    parameters(),
    code(START + '''
from workbench import roles'''),
    code('''
scores = s.scores
s.show(scores["role"].value_counts().rename_axis("role").reset_index())'''),
    md("""
## The quadrant

Reach across, influence up; the dashed lines are the cut-offs (95th percentile by default). Move
the sliders to see how the roles depend on them.
"""),
    code('''widgets.RolePanel(scores, privacy=s.privacy)'''),
    md("""
## Top accounts per role
"""),
    code('''
columns = ["handle", "influence", "reach", "visibility", "activity"]
for role, by in (("influencer", "influence"), ("networker", "reach"), ("hub", "influence")):
    chosen = scores[scores["role"] == role].sort_values(by, ascending=False)
    print(f"{role}s: {len(chosen)}")
    if len(chosen):
        s.show(chosen[columns], rows=10)'''),
    md("""
## Advocates

The accounts that most often share, quote, mention or reply to the focal accounts (the brand). Set
`focal_accounts` to choose them; by default the accounts flagged as focal in the workspace (the
brand, for the bundled sample).
"""),
    code('''
try:
    advocates = roles.advocates(s.store, s.focal_accounts or None, kinds=("share", "quote", "mention", "reply"),
                                since=s.since, until=s.until, top=10)
except wb.WorkbenchError as error:
    advocates = None
    print(f"No advocates: {error}")
if advocates is not None and len(advocates):
    s.show(advocates)'''),
    md("""
## Bridges

Guimerà & Amaral (2005) roles: the within-community degree z-score says whether an account is a hub
of its own community, the participation coefficient how evenly its links spread over communities.
Connectors (high participation) bridge communities.
"""),
    code('''
ga = roles.guimera_amaral(s.store, run_id=s.run_id, kinds=s.kinds, since=s.since, until=s.until)
handles = scores[["account_id", "handle"]]
bridges = handles.merge(ga, on="account_id").sort_values("participation", ascending=False)
s.show(bridges.drop(columns=["account_id"]), rows=10)'''),
    md("""
## Do the rankings agree?

Spearman correlation between rankings of the same accounts by followers, amplification received,
mentions received and reach. Low values are the point of Cha et al. (2010): follower counts, being
talked about and being amplified are different things.
"""),
    code('''
agreement = roles.disagreement(scores)
viz.rank_disagreement(agreement.dropna(how="all").dropna(axis=1, how="all"))'''),
]

HEALTH = [
    md("""
# 4. Community health

Is the community engaged, growing, active, loyal and answered? Every metric is per week (UTC,
weeks start Monday) and, where it makes sense, per community of the partition computed here
(the six largest are drawn).

Rates use collected posts that are not shares: applause rate = likes per post, amplification rate =
(shares + quotes) per post, conversation rate = replies per post (Kaushik 2011).
"""),
    parameters(),
    code(START + '''
from workbench import metrics

period = "week"
largest = s.largest_communities(6)'''),
    md("""
## Engagement
"""),
    code('''
engagement = metrics.engagement(s.store, period=period, since=s.since, until=s.until)
s.show(engagement)'''),
    code('''
viz.time_series(engagement, y=["applause_rate", "amplification_rate", "conversation_rate"],
                title="Engagement rates per post")'''),
    code('''
by_community = metrics.engagement(s.store, period=period, run_id=s.run_id, since=s.since, until=s.until)
by_community = by_community[by_community["community"].isin(largest)]
viz.time_series(by_community, y="conversation_rate", color="community", title="Conversation rate, largest communities")'''),
    md("""
## Growth and activity

New members are accounts seen for the first time (their first interaction or post); the activity
score weighs conversation highest (reply 3, quote 2, share 1, mention 1, like 0.5).
"""),
    code('''
growth = metrics.growth(s.store, period=period, since=s.since, until=s.until)
viz.time_series(growth, y=["new_members", "active_members"], title="Members per week")'''),
    code('''
activity = metrics.activity(s.store, period=period, run_id=s.run_id, since=s.since, until=s.until)
activity = activity[activity["community"].isin(largest)]
viz.time_series(activity, y="activity_per_account", color="community", title="Activity score per active account")'''),
    md("""
## Retention

Of the accounts first seen in a week (a cohort), the share still active one, two, ... weeks later.
"""),
    code('''
retention = metrics.retention(s.store, period=period, since=s.since, until=s.until)
viz.cohort_heatmap(retention, cohort="cohort", offset="offset", value="retention_rate")'''),
    md("""
## Responsiveness

Questions put to the focal accounts, the share answered, and the median time to the first answer
(CHAOSS "time to first response").
"""),
    code('''
try:
    responsiveness = metrics.responsiveness(s.store, focal=s.focal_accounts or None, period=period,
                                            since=s.since, until=s.until)
except wb.WorkbenchError as error:
    responsiveness = None
    print(f"No responsiveness: {error}")
if responsiveness is not None and len(responsiveness):
    s.show(responsiveness)'''),
    md("""
## Density

Interactions per possible pair of active members (graph density) and interactions per member.
"""),
    code('''
density = metrics.density(s.store, period=period, run_id=s.run_id, since=s.since, until=s.until, kinds=s.kinds)
density = density[density["community"].isin(largest)]
viz.time_series(density, y="interactions_per_member", color="community", title="Interactions per member")'''),
    md("""
## Explore the metrics

Choose a metric and a period; the date range narrows the view.
"""),
    code('''
def health(period):
    frame = metrics.engagement(s.store, period=period, since=s.since, until=s.until)
    return frame.merge(metrics.growth(s.store, period=period, since=s.since, until=s.until), on="period", how="outer")

widgets.SeriesPanel(health, metrics=["applause_rate", "amplification_rate", "conversation_rate", "new_members",
                                     "active_members", "posts"], privacy=s.privacy, title="Health over time")'''),
]

WORKSHOP = [
    md("""
# 5. Workshop: from a karate club to a real export

A hands-on tour of community detection and roles. It needs no network: the karate club comes with
the package, and the real export is the bundled sample (or your own, through the parameters).

**Plan.** (1) A small network you can see whole. (2) Communities, and how the resolution changes
them. (3) The same ideas on a real export. (4) Exercises; solutions are folded away.
"""),
    parameters(),
    code(START + '''
from workbench import communities, datasets

karate = datasets.karate()
print(f"karate club: {karate.vcount()} members, {karate.ecount()} friendships")'''),
    md("""
## 1. Zachary's karate club

In 1977 Wayne Zachary recorded the friendships of 34 members of a university karate club. The club
then split in two after a conflict between the instructor (*Mr. Hi*) and the officer. Can the
friendships alone predict the split?
"""),
    code('''
karate_communities = communities.detect(karate, method="leiden", resolution=1.0, seed=s.seed).to_frame()
layout_scores = karate_communities.assign(degree=karate.degree())
widgets.NetworkView(karate, karate_communities, scores=layout_scores, size_by="degree", seed=s.seed)'''),
    md("""
## 2. Move the resolution

Low resolution: few, large communities. High resolution: many small ones. Find the resolution at
which the club falls into two groups.
"""),
    code('''widgets.CommunityPanel(karate, method="leiden", resolution=1.0, seed=s.seed)'''),
    md("""
How close is a two-community split to what really happened? NMI compares two partitions (1 =
identical).
"""),
    code('''
import pandas as pd

truth = pd.DataFrame({"account_id": karate.vs["account_id"], "community": [0 if c == "Mr. Hi" else 1 for c in karate.vs["club"]]})
two = communities.detect(karate, method="leiden", resolution=0.5, seed=s.seed)
pd.DataFrame([communities.compare(two, truth).as_dict()])'''),
    md("""
## 3. The same on a real export

The interaction graph of the workspace (the bundled sample unless you set `db_path`): who replies
to, mentions, shares and quotes whom.
"""),
    code('''
g = s.graph
print(f"{g.vcount():,} accounts, {g.ecount():,} edges")
widgets.CommunityPanel(g, method=s.method, resolution=s.resolution, seed=s.seed, privacy=s.privacy)'''),
    code('''
scores = s.scores
widgets.RolePanel(scores, privacy=s.privacy)'''),
    md("""
## 4. Exercises

**Exercise 1.** Run `communities.sweep` on the karate club for resolutions 0.25 to 4 and find the
range where it has exactly two communities.

<details><summary>Solution</summary>

```python
sweep = communities.sweep(karate, resolutions=[0.25, 0.5, 1.0, 2.0, 4.0], seed=0)
sweep[sweep["n_communities"] == 2]
```
</details>

**Exercise 2.** Compare Leiden with `greedy_modularity` (Clauset-Newman-Moore, NodeXL's default) on
the real graph: how similar are the two partitions?

<details><summary>Solution</summary>

```python
a = communities.detect(g, method="leiden", seed=0)
b = communities.detect(g, method="greedy_modularity")
communities.compare(a, b)
```
</details>

**Exercise 3.** Which accounts have many followers but little influence? Sort the scores by the
difference between the followers ranking and the influence score.

<details><summary>Solution</summary>

```python
scores.assign(gap=scores["followers"].rank(pct=True) - scores["influence"]).sort_values("gap", ascending=False).head(10)
```
</details>

**Exercise 4.** Move the role cut-offs down to the 90th percentile. How many influencers and
networkers are there now, and do the hubs change?

<details><summary>Solution</summary>

```python
roles_90 = widgets.assign_roles(scores, influence_cut=0.9, reach_cut=0.9)
roles_90.value_counts()
```
</details>
"""),
]

ALL = {
    "01_load_and_explore": ("Load and explore", LOAD_AND_EXPLORE),
    "02_communities": ("Communities", COMMUNITIES),
    "03_influencers_vs_networkers": ("Influencers versus networkers", ROLES),
    "04_community_health": ("Community health", HEALTH),
    "05_workshop": ("Workshop", WORKSHOP),
}


def build(name: str) -> nbformat.NotebookNode:
    title, cells = ALL[name]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.from_dict(c) for c in cells]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:2]}-{i:02d}"
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}, "title": f"Community Workbench: {title}"}
    return nb


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name in ALL:
        path = NOTEBOOKS / f"{name}.ipynb"
        text = nbformat.writes(build(name)) + "\n"
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run python scripts/build_notebooks.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
