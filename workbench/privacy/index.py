"""Every name of every account, indexed once for the replacer and the scan.

:func:`account_names` lists the names an account goes by (its id, the native part of the id, its
handle, a Mastodon user's short name, its display name); :class:`NameIndex` maps each name's
folded form to its account and keeps the token sequences of the distinctive ones, so that a text
or a page is searched with one dictionary lookup per token and name length.

The names most exports are made of (ASCII handles and numeric ids such as ``KestrelCycles``,
``user_42``, ``783214``, ``twitter:783214``) are listed and judged in DuckDB; names with spaces,
emoji, accents or markup take the general path, one name at a time.

>>> import pandas as pd
>>> index = NameIndex.build(pd.DataFrame({"account_id": ["twitter:783214"], "handle": ["Alice_W"],
...                                       "display_name": ["Alice Liddell"]}))
>>> index.known["alice_w"][0], sorted(index.sequences)
('twitter:783214', [('783214',), ('alice', 'liddell'), ('alice_w',), ('twitter', ':', '783214')])
"""

from __future__ import annotations

from dataclasses import dataclass, field
import duckdb
import pandas as pd

from workbench import sql
from workbench.errors import PrivacyError
from workbench.privacy import names

__all__ = ["account_names", "NameIndex"]

def account_names(accounts: pd.DataFrame, *, words: frozenset[str] | None = None) -> dict[str, list]:
    """Every name of every account, smallest account id last (``queries/privacy/index.sql``), as columns.

    Columns: ``account_id``, ``what`` (``account_id``, ``native``: the id without its platform,
    ``handle``: also a Mastodon user's short name, ``name``: the display name), ``value``, and for
    the names that are one ASCII word or ``platform:word`` (``simple``) their ``key`` and whether
    they are ``distinctive`` (:func:`~workbench.privacy.names.is_distinctive`, in SQL).
    """
    if "account_id" not in accounts.columns:
        raise PrivacyError(f"an accounts table needs an account_id column; got {list(accounts.columns)}")
    import pyarrow as pa

    # As Arrow strings: DuckDB scans them in place (Python objects would be converted one by one).
    frame = pa.table({column: pa.array(accounts[column] if column in accounts.columns else [None] * len(accounts),
                                       type=pa.string(), from_pandas=True)
                      for column in ("account_id", "handle", "display_name")})
    own = names.vocabulary() if words is None else words
    query = sql.get("privacy.account_names")
    with duckdb.connect() as con:
        con.register("privacy_accounts", frame)
        columns = con.execute(query.text, query.bind({"words": sorted(own), "min_length": names.MIN_LENGTH,
                                                       "min_number": names.MIN_DISTINCTIVE_NUMBER})).fetchnumpy()
    return {name: values.tolist() for name, values in columns.items()}  # Python lists: iterated fast


@dataclass
class NameIndex:
    """Folded names -> ``(account_id, what, name)``, and the distinctive token sequences.

    Attributes
    ----------
    known : dict
        Every name by its key (:func:`~workbench.privacy.names.key`: folded tokens joined).
    sequences : dict
        The token sequences of the distinctive names (and of every qualified id).
    lengths : dict
        First token -> the lengths of the sequences that start with it, longest first.
    """

    known: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    sequences: dict[tuple[str, ...], tuple[str, str, str]] = field(default_factory=dict)
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, accounts: pd.DataFrame, *, words: frozenset[str] | None = None) -> "NameIndex":
        """Index every name of ``accounts``; where two accounts share a name, the smaller id wins."""
        own = names.vocabulary() if words is None else words
        frame = account_names(accounts, words=own)
        rows = list(zip(frame["account_id"], frame["what"], frame["value"]))
        index = cls()
        lengths: dict[str, set[int]] = {}
        fast_keys, fast_owners = [], []
        for owner, simple, key, qualified, platform, word, distinctive in zip(
                rows, frame["simple"], frame["key"], frame["qualified"], frame["platform"], frame["word"],
                frame["distinctive"]):
            if not simple:  # the general path, one name at a time: spaces, symbols, accents, markup
                index.add(owner[2], owner, forced=owner[1] == "account_id", words=own)
                continue
            fast_keys.append(key)  # one ASCII word, or platform:word, classified in SQL
            fast_owners.append(owner)
            if distinctive:
                sequence = (platform, ":", word) if qualified else (key,)
                index.sequences[sequence] = owner
        index.known.update(zip(fast_keys, fast_owners))
        for sequence in index.sequences:
            lengths.setdefault(sequence[0], set()).add(len(sequence))
        index.lengths = {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}
        return index

    def add(self, value: str, owner: tuple[str, str, str], *, forced: bool = False,
            words: frozenset[str] | None = None) -> None:
        """Index one more name (a loaded file, a path); ``forced`` makes it distinctive whatever it looks like."""
        prepared = names.prepare(value)
        sequence = tuple(names.tokens(prepared))
        if not sequence:
            return
        self.known["".join(sequence)] = owner
        if forced or names.distinctive_tokens(prepared, sequence, words=words):
            self.sequences[sequence] = owner
            first = self.lengths.get(sequence[0], ())
            if len(sequence) not in first:
                self.lengths[sequence[0]] = tuple(sorted((*first, len(sequence)), reverse=True))

    def find(self, keys: list[str], i: int) -> tuple[int, tuple[str, str, str]] | None:
        """The longest distinctive name starting at token ``i`` of ``keys``: ``(length, owner)``, or None."""
        for n in self.lengths.get(keys[i], ()):
            if i + n <= len(keys):
                owner = self.sequences.get(tuple(keys[i:i + n]))
                if owner is not None:
                    return n, owner
        return None

    def firsts(self) -> frozenset[str]:
        """The tokens a distinctive name can start with (a text without any of them holds none)."""
        return frozenset(self.lengths)

