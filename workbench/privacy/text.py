"""Replacing account identifiers in values and free text by keyed pseudonyms.

A :class:`Pseudonymizer` knows every name of every account of a workspace (its id, the native part
of the id, the handle, the display name, a Mastodon user's short name) and the files that were
loaded. It hides them:

- as whole values (:meth:`Pseudonymizer.identifier`): a handle, a display name or an id becomes the
  account's pseudonym ``u_`` + 12 hex digits, a qualified id keeps its platform
  (``twitter:u_3f9a...``);
- in text (:meth:`Pseudonymizer.text`), after :func:`~workbench.privacy.names.prepare` (NFKC,
  percent-escapes decoded, invisible characters removed): every @mention (also ``@user@host``,
  dotted Bluesky handles and mentions wrapped in markup such as Mastodon's
  ``@<span>name</span>``), Slack and Discord ``<@U123>`` mentions, ``u/name``, ``from:name``,
  DIDs, profile and post URLs (twitter.com/x.com, reddit.com/u, bsky.app/profile, any host's
  ``/@name``, ``/users/name`` and ``/u/name``; the post ids in them and t.co short links, which
  lead to a post and so to its author), whoever they name, known or not; and every *distinctive* name of a known
  account wherever it stands (``KestrelCycles``, ``Jane Smith``, ``🦄🦄🦄``, ``783214``; see
  :func:`~workbench.privacy.names.is_distinctive`). An ordinary word that happens to be a handle
  (``root``, ``now``) is replaced where it stands as a name, not where it is a word: replacing
  every "now" in prose would only tell the reader which pseudonym stands for "now".

Examples
--------
>>> import pandas as pd
>>> accounts = pd.DataFrame({"account_id": ["twitter:783214", "reddit:now"], "handle": ["alice_w", "now"],
...                          "display_name": ["Alice Liddell", None]})
>>> p = Pseudonymizer(accounts, key=b"k" * 32)
>>> alice, now = p.token("twitter:783214"), p.token("reddit:now")
>>> p.text("thanks @Alice_W (Alice Liddell), u/now says hi now") == (
...     f"thanks @{alice} ({alice}), u/{now} says hi now")
True
>>> p.identifier("now") == now
True
"""

from __future__ import annotations

import functools
import re
from pathlib import PurePath
from typing import Any, Iterable, Mapping

import pandas as pd

from workbench.errors import PrivacyError
from workbench.privacy import names
from workbench.privacy.index import NameIndex
from workbench.privacy.keys import KeyedHash
from workbench.privacy.patterns import (CHAT_MENTION, DID, MENTION, PSEUDONYM, REDDIT, SEARCH, URL, URL_HINT,
                                        URL_KINDS, strip_tail)

__all__ = ["Pseudonymizer", "Pseudonymised", "NoPseudonymizer", "IDENTIFIER_COLUMNS"]

#: Columns whose values are identifiers as a whole (a table shown by a notebook).
IDENTIFIER_COLUMNS = frozenset({"account_id", "source", "target", "source_id", "target_id", "author_id", "handle",
                                "display_name", "account", "author", "user", "focal", "focal_accounts"})


class Pseudonymizer:
    """Replaces account identifiers by keyed pseudonyms, in values, text, tables and parameters.

    Parameters
    ----------
    accounts : DataFrame
        The workspace's accounts (``account_id``, optionally ``handle`` and ``display_name``).
    key : bytes
        The HMAC key (see :func:`~workbench.privacy.keys.load_key`).
    files : iterable of str, optional
        Paths of loaded files: their names are replaced too (``KestrelCycles_timeline.jsonl``
        becomes ``f_3f9a0c....jsonl``).

    Notes
    -----
    An account's pseudonym is ``u_`` + the first 12 hex digits of HMAC-SHA256(key,
    ``"account:" + account_id``). A name that is in no account (a mention of an outsider) becomes
    ``u_`` + HMAC of ``"handle:" +`` its folded form, so the same outsider gets the same pseudonym.
    Where two accounts share a name (one handle on two platforms), the smaller account id wins.
    """

    enabled = True

    def __init__(self, accounts: pd.DataFrame, *, key: bytes, files: Iterable[str] = (),
                 index: NameIndex | None = None):
        self.hash = KeyedHash(key)
        if "account_id" not in accounts.columns:
            raise PrivacyError(f"an accounts table needs an account_id column; got {list(accounts.columns)}")
        self._accounts = accounts
        if index is not None:
            self.__dict__["index"] = index
        self._files: dict[str, str] = {}
        for path in files:
            self._add_file(str(path))
        self._cache: dict[str, str] = {}

    @functools.cached_property
    def index(self) -> NameIndex:
        """Every name of every account (built when first needed: hashing ids and file names needs none)."""
        return NameIndex.build(self._accounts)

    @functools.cached_property
    def _firsts(self) -> frozenset[str]:
        return self.index.firsts()

    @classmethod
    def from_store(cls, store: Any, *, key: bytes | None = None) -> "Pseudonymizer":
        """A pseudonymiser for every account and loaded file of ``store`` (key from :func:`load_key` if not given)."""
        from workbench.privacy.keys import load_key

        accounts = store.sql("SELECT account_id, handle, display_name FROM accounts").df()
        files = [row[0] for row in store.sql("SELECT DISTINCT path FROM loads").fetchall()]
        return cls(accounts, key=key if key is not None else load_key(), files=files)

    # -- pseudonyms ---------------------------------------------------------------------------
    def token(self, account_id: str) -> str:
        """The pseudonym of ``account_id`` (``u_`` + 12 hex digits)."""
        return self.hash.token("account", str(account_id))

    def qualified(self, account_id: str) -> str:
        """The pseudonymised id: ``twitter:783214`` -> ``twitter:u_3f9a0c...`` (the platform stays)."""
        account_id = str(account_id)
        platform = account_id.split(":", 1)[0] + ":" if ":" in account_id else ""
        return platform + self.token(account_id)

    def post(self, post_id: str) -> str:
        """The pseudonymised post id: ``twitter:1442...`` -> ``twitter:p_...``."""
        post_id = str(post_id)
        platform = post_id.split(":", 1)[0] + ":" if ":" in post_id else ""
        return platform + self.hash.token("post", post_id)

    def _add_file(self, path: str) -> str:
        name = PurePath(path.replace("\\", "/")).name or path
        suffixes = "".join(s for s in PurePath(name).suffixes if re.fullmatch(r"\.[A-Za-z0-9]{1,6}", s))
        shown = self.hash.token("file", name) + suffixes.lower()
        for raw in {path, name}:
            self._files[raw] = shown
        return shown

    def file_name(self, path: str | PurePath) -> str:
        """A loaded file or a workspace as it may be shown: ``f_`` + 12 hex digits + its suffixes."""
        path = str(path)
        return self._files.get(path) or self._add_file(path)

    def file_names_in(self, text: str) -> str:
        """``text`` with the names of loaded files (and of the workspace) replaced, and nothing else."""
        for raw, shown in self._files.items():
            if raw in text:
                text = text.replace(raw, shown)
        return text

    def _name_token(self, name: str, *, qualified: bool = False) -> str:
        key = names.key(name)
        known = self.index.known.get(key)
        if known is None:
            return self.hash.token("handle", key)
        account_id, what, _ = known
        return self.qualified(account_id) if qualified or what == "account_id" else self.token(account_id)

    def identifier(self, value: Any) -> Any:
        """A whole value that names an account (an id, a handle, ``@handle``, a display name) -> its pseudonym.

        A value that is already a pseudonym stays as it is; a name of no known account is hashed
        like an unknown mention. Non-strings come back unchanged.
        """
        if not isinstance(value, str) or not value.strip():
            return value
        if PSEUDONYM.fullmatch(value.strip()):
            return value
        stripped = value.strip()
        prefix = "@" if stripped[:1] in "@＠" and len(stripped) > 1 else ""
        return prefix + self._name_token(stripped.lstrip("@＠") or stripped)

    # -- text -----------------------------------------------------------------------------------
    def text(self, value: Any) -> Any:
        """``value`` with every identifier replaced (see the module's description); non-strings unchanged."""
        if not isinstance(value, str) or not value:
            return value
        cached = self._cache.get(value)
        if cached is not None:
            return cached
        result = self.file_names_in(names.prepare(value))
        if "/" in result and URL_HINT.search(result):
            result = URL.sub(self._url_match, result)
        if "<@" in result:
            result = CHAT_MENTION.sub(self._chat_match, result)
        if "@" in result or "＠" in result:
            result = MENTION.sub(self._mention_match, result)
        if "u/" in result:
            result = REDDIT.sub(self._prefixed_match, result)
        if ":" in result:
            result = SEARCH.sub(self._prefixed_match, result)
            result = DID.sub(lambda m: self._name_token(m.group(0)), result)
        result = self._replace_distinctive(result)
        if len(self._cache) < 200_000:
            self._cache[value] = result
        return result

    def _handle(self, name: str) -> str:
        """A captured handle -> its pseudonym; a dotted name whose first part is a known handle keeps the rest."""
        if PSEUDONYM.fullmatch(name):
            return name
        known = self.index.known
        if names.key(name) not in known and "." in name:
            head, rest = name.split(".", 1)
            if names.key(head) in known:
                return self._name_token(head) + "." + rest
        return self._name_token(name)

    def _url_match(self, match: re.Match) -> str:
        groups = match.groupdict()
        if groups["sh"] is not None:
            return match.group(0)[:match.start("sh_link") - match.start()] + self.hash.token("link", groups["sh_link"])
        for prefix, name, separator, post, platform in URL_KINDS:
            if groups[prefix] is None:
                continue
            out = match.group(0)[:match.end(prefix) - match.start()]
            if name is not None:
                handle, tail = strip_tail(groups[name])
                out += self._handle(handle) + tail
            if post is not None and groups[post] is not None:
                out += (groups[separator] if separator else "") + self.hash.token("post", f"{platform}:{groups[post]}")
            return out
        return match.group(0)  # pragma: no cover - one alternative always matches

    def _chat_match(self, match: re.Match) -> str:
        return "<@" + self._handle(match.group("name")) + ">"

    def _mention_match(self, match: re.Match) -> str:
        name, tail = strip_tail(match.group("name"))
        at = match.group(0)[0]
        return at + match.group("tags") + self._handle(name) + tail

    def _prefixed_match(self, match: re.Match) -> str:
        name, tail = strip_tail(match.group("name"))
        return match.group("prefix") + self._handle(name) + tail

    def _replace_distinctive(self, text: str) -> str:
        if self._firsts.isdisjoint(names.tokens(text)):
            return text  # no name starts anywhere here (one C-level pass, then set lookups)
        found = names.spans(text)
        if not found:
            return text
        keys = [t for _, _, t in found]
        pieces: list[str] = []
        last = 0
        i = 0
        while i < len(found):
            match = self.index.find(keys, i)
            if match is None:
                i += 1
                continue
            n, (account_id, what, _) = match
            pieces.append(text[last:found[i][0]])
            pieces.append(self.qualified(account_id) if what == "account_id" else self.token(account_id))
            last = found[i + n - 1][1]
            i += n
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    # -- tables and parameters ------------------------------------------------------------------
    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``frame`` as it may be shown: identifier columns replaced as whole values, text
        columns as text, and the index and column names too. Pseudonyms stay as they are, so a frame
        from a pseudonymised workspace comes back unchanged.
        """
        out = frame.copy()
        for column in out.columns:
            series = out[column]
            if pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
                out[column] = self._series(series, whole=str(column) in IDENTIFIER_COLUMNS)
        index = out.index
        if pd.api.types.is_string_dtype(index.dtype) or index.dtype == object:
            mapped = self._series(index.to_series(), whole=str(index.name) in IDENTIFIER_COLUMNS)
            out.index = pd.Index(mapped.to_numpy(), name=index.name)
        out.columns = [self.text(c) if isinstance(c, str) else c for c in out.columns]
        return out

    def _series(self, series: pd.Series, *, whole: bool) -> pd.Series:
        change = self.identifier if whole else self.text
        texts = series[series.map(lambda v: isinstance(v, str))]  # a column may hold lists (hashtags): not hashable
        mapping = {value: change(value) for value in pd.unique(texts)}
        return series.map(lambda v: mapping.get(v, v) if isinstance(v, str) else self._nested(v, change))

    def _nested(self, value: Any, change: Any) -> Any:
        """Lists of ids (e.g. a ``top_accounts`` column) are pseudonymised element by element."""
        if isinstance(value, (list, tuple)):
            return type(value)(self._nested(v, change) for v in value)
        if hasattr(value, "tolist") and getattr(value, "ndim", 0) == 1:
            return [self._nested(v, change) for v in value.tolist()]
        return change(value) if isinstance(value, str) else value

    def values(self, values: Iterable[Any]) -> list[Any]:
        """Identifiers (e.g. the ``focal_accounts`` parameter) -> their pseudonyms."""
        return [self.identifier(v) for v in values]

    def params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Notebook parameters as they may be shown: focal accounts as pseudonyms, paths as pseudonymised file names."""
        safe: dict[str, Any] = {}
        for name, value in params.items():
            if name in ("db_path", "export_path") and isinstance(value, str):
                safe[name] = self.file_name(value) if value else value
            elif name == "focal_accounts" and isinstance(value, (list, tuple)):
                safe[name] = self.values(value)
            elif isinstance(value, str):
                safe[name] = self.text(value)
            elif isinstance(value, (list, tuple)):
                safe[name] = [self.text(v) for v in value]
            else:
                safe[name] = value
        return safe


class Pseudonymised:
    """What a session shows when its data were pseudonymised at the source.

    The tables, texts and graphs already hold pseudonyms only, so there is nothing left to
    replace in text; identifier columns are still checked on the way out (a value that is not a
    pseudonym becomes one), which costs a pattern match per distinct value. Pseudonyms, file names
    and parameters come from the :class:`Pseudonymizer` that did the work.
    """

    enabled = True

    def __init__(self, pseudonymizer: Pseudonymizer):
        self.pseudonymizer = pseudonymizer

    def token(self, account_id: str) -> str:
        return self.pseudonymizer.token(account_id)

    def qualified(self, account_id: str) -> str:
        return self.pseudonymizer.qualified(account_id)

    def identifier(self, value: Any) -> Any:
        return self.pseudonymizer.identifier(value)

    def file_name(self, path: str | PurePath) -> str:
        return self.pseudonymizer.file_name(path)

    def file_names_in(self, text: str) -> str:
        return self.pseudonymizer.file_names_in(text)

    def text(self, value: Any) -> Any:
        return value

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with any identifier-column value that is not a pseudonym replaced (usually none)."""
        columns = [c for c in frame.columns if str(c) in IDENTIFIER_COLUMNS
                   and (pd.api.types.is_string_dtype(frame[c].dtype) or frame[c].dtype == object)]
        raw = {c: frame[c].map(lambda v: isinstance(v, str) and not PSEUDONYM.fullmatch(v.strip()))
               for c in columns}
        if not any(flags.any() for flags in raw.values()):
            return frame
        out = frame.copy()
        for column, flags in raw.items():
            out.loc[flags, column] = out.loc[flags, column].map(self.pseudonymizer.identifier)
        return out

    def values(self, values: Iterable[Any]) -> list[Any]:
        return self.pseudonymizer.values(values)

    def params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return self.pseudonymizer.params(params)


class NoPseudonymizer:
    """The same interface as :class:`Pseudonymizer`, changing nothing (``pseudonymize=False``)."""

    enabled = False

    def token(self, account_id: str) -> str:
        return str(account_id)

    def identifier(self, value: Any) -> Any:
        return value

    def file_name(self, path: str | PurePath) -> str:
        return PurePath(str(path)).name

    def file_names_in(self, text: str) -> str:
        return text

    def text(self, value: Any) -> Any:
        return value

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame

    def values(self, values: Iterable[Any]) -> list[Any]:
        return list(values)

    def params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return dict(params)
