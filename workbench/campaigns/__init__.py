"""Campaigns: what was done when, and whether it worked.

A campaign is a named window of the decision log (the workspace's ``campaigns`` table):
log one by hand (:func:`add`), or let :func:`detect` find bursts of activity and log them
with ``source='detected'``. :func:`compare` puts the windows before, during and after a
campaign side by side (members, actions, posts, engagement rates, growth), and
:func:`retained` follows the campaign's recruits week by week afterwards: does the community
settle on a higher plateau, or die back down?

- :mod:`workbench.campaigns.log`: :func:`add`, :func:`list`, :func:`get`, :func:`rename`,
  :func:`adjust`, :func:`delete`, :func:`overview` (logged and detected, for timelines).
- :mod:`workbench.campaigns.detect`: :func:`detect`, :func:`daily`, :func:`windows`.
- :mod:`workbench.campaigns.compare`: :func:`compare`, :func:`retained`, :func:`side_by_side`.
"""

from workbench.campaigns.compare import compare, retained, side_by_side
from workbench.campaigns.detect import daily, detect, windows
from workbench.campaigns.log import SOURCES, add, adjust, check_hashtags, delete, get, log, overview, rename, resolve

list = log  # shadows the builtin on purpose: `wb.campaigns.list(store)`, like `workbench campaigns list`

__all__ = ["SOURCES", "add", "list", "log", "get", "rename", "adjust", "delete", "check_hashtags", "resolve",
           "overview", "detect", "daily", "windows", "compare", "retained", "side_by_side"]
