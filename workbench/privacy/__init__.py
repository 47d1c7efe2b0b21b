"""Pseudonymisation for shared reports: pseudonymise the data, not the pages.

A pseudonymised notebook never sees a raw name. :func:`~workbench.privacy.workspace.pseudonymise`
copies a workspace's data tables into memory with every identifier replaced by a keyed hash (ids,
handles and display names wholly, @mentions and profile URLs in text, also percent-encoded and in
any Unicode normal form, loaded file names; follower counts rounded), so the graph, communities,
scores, metrics and every table and chart are made from pseudonymised data. The key
(:mod:`~workbench.privacy.keys`) never enters a workspace or a report. A written page is then
checked by :class:`~workbench.privacy.scan.LeakScanner`, which reads it as a person would and
neither misses a name in an unusual form nor refuses an ordinary word that equals a short name.

Modules: :mod:`~workbench.privacy.keys` (the key and the keyed hash), :mod:`~workbench.privacy.names`
(how names are normalised, tokenised and judged), :mod:`~workbench.privacy.index` (every name of every account, indexed once),
:mod:`~workbench.privacy.patterns` (where a name
stands as a name), :mod:`~workbench.privacy.text` (replacing names in values, text, tables and
parameters), :mod:`~workbench.privacy.workspace` (at the source),
:mod:`~workbench.privacy.scan` (checking a page).

Examples
--------
>>> import pandas as pd
>>> accounts = pd.DataFrame({"account_id": ["twitter:783214"], "handle": ["alice_w"], "display_name": ["🦄🦄🦄"]})
>>> p = Pseudonymizer(accounts, key=b"k" * 32)
>>> shown = p.text("hi @alice_w 🦄🦄🦄 https://twitter.com/alice_w/status/9")
>>> find_leaks(shown, accounts), shown.count(p.token("twitter:783214"))
([], 3)
"""

from __future__ import annotations

from workbench.privacy.index import NameIndex
from workbench.privacy.keys import KEY_ENV, KEY_FILE_ENV, KeyedHash, default_key_path, load_key
from workbench.privacy.names import is_distinctive
from workbench.privacy.scan import Leak, LeakScanner, find_leaks
from workbench.privacy.patterns import PSEUDONYM
from workbench.privacy.text import NoPseudonymizer, Pseudonymised, Pseudonymizer
from workbench.privacy.workspace import DATA_TABLES, pseudonymise

__all__ = [
    "KEY_ENV", "KEY_FILE_ENV", "KeyedHash", "default_key_path", "load_key", "is_distinctive",
    "NameIndex", "Pseudonymizer", "Pseudonymised", "NoPseudonymizer", "PSEUDONYM", "Leak", "LeakScanner", "find_leaks",
    "DATA_TABLES", "pseudonymise",
]
