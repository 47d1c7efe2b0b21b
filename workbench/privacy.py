"""Pseudonymisation for shared reports.

A :class:`Pseudonymizer` replaces every way a report could name an account
(platform-qualified ids, their native parts such as ``783214``, handles,
display names, @mentions in text, and URLs that embed a handle) by a keyed
hash. The hash is an HMAC-SHA256 (RFC 2104) of the account id under a secret
key, so the same account gets the same pseudonym in every report made with
the same key, and nobody without the key can test a guess ("is u_3f9a... @alice?")
by hashing candidate handles.

The key comes from the environment variable ``WORKBENCH_PSEUDONYM_KEY``, or
from a key file (``WORKBENCH_PSEUDONYM_KEY_FILE``, default
``~/.config/workbench/pseudonym.key``) that is created with 32 random bytes
when missing. The key never goes into a report, and :func:`load_key` refuses a
key file inside the folder a report is written to.

Matching works on word tokens (``\\w+``): an identifier matches where its
token sequence appears in the text, case-insensitively, wherever it stands
(``twitter:783214``, ``https://twitter.com/alice/status/1``, ``@Alice``).
This errs on the side of hiding: a handle that is also an ordinary word is
hidden everywhere it appears as a word. Purely numeric native ids shorter
than :data:`MIN_BARE_NUMBER` digits match only inside their qualified form
(``twitter:42``), so that counts and dates in a table stay readable.

Examples
--------
>>> import pandas as pd
>>> accounts = pd.DataFrame({"account_id": ["twitter:783214"], "platform": ["twitter"],
...                          "handle": ["alice"], "display_name": ["Alice Liddell"]})
>>> p = Pseudonymizer(accounts, key=b"k" * 32)
>>> p.text("thanks @Alice (Alice Liddell) https://twitter.com/alice/status/9") == (
...     f"thanks @{p.token('twitter:783214')} ({p.token('twitter:783214')}) "
...     f"https://twitter.com/{p.token('twitter:783214')}/status/9")
True
>>> find_leaks(p.text("user 783214 and @alice"), accounts)
[]
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from workbench.errors import PrivacyError

__all__ = [
    "KEY_ENV", "KEY_FILE_ENV", "MIN_BARE_NUMBER", "Pseudonymizer", "NoPseudonymizer",
    "default_key_path", "load_key", "find_leaks", "identifiers",
]

KEY_ENV = "WORKBENCH_PSEUDONYM_KEY"
KEY_FILE_ENV = "WORKBENCH_PSEUDONYM_KEY_FILE"
MIN_BARE_NUMBER = 4
TOKEN_PREFIX = "u_"
_DIGEST_CHARS = 12  # 48 bits: collisions stay unlikely (< 1%) up to ~2 million accounts

_WORD = re.compile(r"\w+")
_PSEUDONYM = re.compile(TOKEN_PREFIX + "[0-9a-f]{%d}" % _DIGEST_CHARS)
# An @mention: not preceded by a word character (so e-mail addresses are left alone);
# Mastodon's @user@host is taken whole.
_MENTION = re.compile(r"(?<![\w@])@(\w{1,50}(?:@[\w-]+(?:\.[\w-]+)+)?)")
# URLs whose path names an account: twitter.com/x.com/<handle>, reddit.com/u|user/<handle>,
# bsky.app/profile/<handle>, any host/@<handle> (Mastodon and others).
_HANDLE_URL = re.compile(
    r"(?P<prefix>(?:https?://)?(?:www\.|mobile\.)?(?:twitter\.com|x\.com)/)(?P<handle>\w{1,50})"
    r"|(?P<prefix2>(?:https?://)?(?:www\.|old\.)?reddit\.com/(?:u|user)/)(?P<handle2>[\w-]{1,50})"
    r"|(?P<prefix3>(?:https?://)?bsky\.app/profile/)(?P<handle3>[\w.:-]{1,253})"
    r"|(?P<prefix4>https?://[\w.-]+/@)(?P<handle4>\w{1,50})",
    re.IGNORECASE,
)
# First path segments of twitter.com URLs that are not accounts.
_RESERVED_PATHS = frozenset({"i", "home", "search", "hashtag", "intent", "share", "explore",
                             "settings", "notifications", "messages", "tos", "privacy"})


def default_key_path() -> Path:
    """Where the key file lives unless ``WORKBENCH_PSEUDONYM_KEY_FILE`` says otherwise."""
    configured = os.environ.get(KEY_FILE_ENV)
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "workbench" / "pseudonym.key"


def load_key(*, path: str | Path | None = None, create: bool = True,
             forbid_under: str | Path | None = None) -> bytes:
    """The pseudonymisation key.

    Parameters
    ----------
    path : str or Path, optional
        Key file; default :func:`default_key_path`. Ignored when the
        environment variable ``WORKBENCH_PSEUDONYM_KEY`` is set (its text is the key).
    create : bool
        Create a key file with 32 random bytes (mode 0600) when it is missing.
    forbid_under : str or Path, optional
        A folder the key file must not be inside (the report folder): a key
        shipped next to the report would undo the pseudonymisation.

    Raises
    ------
    PrivacyError
        The key file is inside ``forbid_under``, is missing and ``create`` is
        False, or is empty.
    """
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return from_env.encode("utf-8")
    key_path = Path(path).expanduser() if path is not None else default_key_path()
    if forbid_under is not None:
        folder = Path(forbid_under).resolve()
        resolved = key_path.resolve()
        if resolved == folder or folder in resolved.parents:
            raise PrivacyError(f"the pseudonymisation key file {key_path} is inside the report folder {forbid_under}; "
                               f"keep it elsewhere (set {KEY_FILE_ENV}) so that the key never ships with a report")
    if not key_path.exists():
        if not create:
            raise PrivacyError(f"no pseudonymisation key at {key_path}; set {KEY_ENV} or create the file")
        key_path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two reports started together must not write two different keys.
        try:
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(32))
    key = key_path.read_bytes()
    if not key:
        raise PrivacyError(f"the pseudonymisation key file {key_path} is empty; delete it to have a new key made")
    return key


def _tokens(value: str) -> tuple[str, ...]:
    return tuple(m.group(0).lower() for m in _WORD.finditer(value))


def _is_short_number(tokens: tuple[str, ...]) -> bool:
    return len(tokens) == 1 and tokens[0].isdigit() and len(tokens[0]) < MIN_BARE_NUMBER


def identifiers(accounts: pd.DataFrame) -> dict[tuple[str, ...], tuple[str, str]]:
    """Every identifying token sequence of ``accounts`` -> (account_id, what).

    ``what`` is ``"account_id"``, ``"native"``, ``"handle"`` or ``"name"``.
    ``accounts`` needs ``account_id`` and may have ``handle`` and ``display_name``.
    Where two accounts share a sequence (the same handle on two platforms), the
    smaller account id wins, so that the choice does not depend on row order.
    """
    if "account_id" not in accounts.columns:
        raise PrivacyError(f"an accounts table needs an account_id column; got {list(accounts.columns)}")
    frame = accounts.sort_values("account_id", ascending=False)
    found: dict[tuple[str, ...], tuple[str, str]] = {}
    columns = [c for c in ("handle", "display_name") if c in frame.columns]
    for row in frame[["account_id", *columns]].itertuples(index=False):
        account_id = str(row[0])
        native = account_id.split(":", 1)[1] if ":" in account_id else account_id
        candidates = [(account_id, "account_id"), (native, "native")]
        # A Mastodon native part is user@host: the user part alone is how people write it.
        if "@" in native:
            candidates.append((native.split("@", 1)[0], "handle"))
        for value, what in zip(row[1:], columns):
            if isinstance(value, str) and value:
                candidates.append((value.lstrip("@"), "handle" if what == "handle" else "name"))
        for value, what in candidates:
            seq = _tokens(value)
            if not seq or (what != "account_id" and _is_short_number(seq)):
                continue
            found[seq] = (account_id, what)
    return found


class Pseudonymizer:
    """Replaces account identifiers by keyed pseudonyms, in text and in DataFrames.

    Parameters
    ----------
    accounts : DataFrame
        The workspace's accounts (``account_id``, optionally ``handle`` and
        ``display_name``): every identifier of these accounts is hidden.
    key : bytes
        The HMAC key (see :func:`load_key`).

    Notes
    -----
    An account's pseudonym is ``u_`` + the first 12 hex digits of
    HMAC-SHA256(key, account_id); its handle and display name become that
    pseudonym and its id ``<platform>:<pseudonym>``. A mentioned handle that
    is not in ``accounts`` becomes ``u_`` + HMAC of the lower-cased handle.
    """

    enabled = True

    def __init__(self, accounts: pd.DataFrame, *, key: bytes):
        if not key:
            raise PrivacyError("the pseudonymisation key is empty")
        self._key = bytes(key)
        self._sequences = identifiers(accounts)
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for seq in self._sequences:
            self._by_first.setdefault(seq[0], []).append(seq)
        for options in self._by_first.values():
            options.sort(key=len, reverse=True)  # longest match first
        self._handles = {seq[0]: account for seq, (account, what) in self._sequences.items()
                         if len(seq) == 1 and what in ("handle", "native")}
        self._cache: dict[str, str] = {}

    @classmethod
    def from_store(cls, store: Any, *, key: bytes | None = None) -> "Pseudonymizer":
        """A pseudonymiser for every account of ``store`` (key from :func:`load_key` if not given)."""
        accounts = store.sql("SELECT account_id, handle, display_name FROM accounts").df()
        return cls(accounts, key=key if key is not None else load_key())

    # -- pseudonyms -------------------------------------------------------------------
    def _digest(self, message: str) -> str:
        return hmac.new(self._key, message.encode("utf-8"), hashlib.sha256).hexdigest()[:_DIGEST_CHARS]

    def token(self, account_id: str) -> str:
        """The pseudonym of ``account_id`` (``u_`` + 12 hex digits)."""
        return TOKEN_PREFIX + self._digest("account:" + str(account_id))

    def _handle_token(self, handle: str) -> str:
        known = self._handles.get(handle.lower())
        if known is None:
            seq = _tokens(handle)
            match = self._sequences.get(seq)
            known = match[0] if match else None
        return self.token(known) if known is not None else TOKEN_PREFIX + self._digest("handle:" + handle.lower())

    def _replacement(self, account_id: str, what: str) -> str:
        if what == "account_id" and ":" in account_id:
            return account_id.split(":", 1)[0] + ":" + self.token(account_id)
        return self.token(account_id)

    # -- text -------------------------------------------------------------------------
    def text(self, value: Any) -> Any:
        """``value`` with every identifier replaced; non-strings come back unchanged."""
        if not isinstance(value, str) or not value:
            return value
        cached = self._cache.get(value)
        if cached is not None:
            return cached
        result = _HANDLE_URL.sub(self._url_match, value)
        result = _MENTION.sub(self._mention_match, result)
        result = self._replace_known(result)
        if len(self._cache) < 200_000:
            self._cache[value] = result
        return result

    def _mention_match(self, match: re.Match) -> str:
        name = match.group(1)
        if _PSEUDONYM.fullmatch(name):  # already replaced, as part of a URL
            return match.group(0)
        return "@" + self._handle_token(name)

    def _url_match(self, match: re.Match) -> str:
        for prefix, handle in (("prefix", "handle"), ("prefix2", "handle2"), ("prefix3", "handle3"),
                               ("prefix4", "handle4")):
            if match.group(prefix) is not None:
                name = match.group(handle)
                if prefix == "prefix" and name.lower() in _RESERVED_PATHS:
                    return match.group(0)
                return match.group(prefix) + self._handle_token(name)
        return match.group(0)  # pragma: no cover - one alternative always matches

    def _replace_known(self, value: str) -> str:
        words = list(_WORD.finditer(value))
        if not words:
            return value
        lowered = [w.group(0).lower() for w in words]
        pieces: list[str] = []
        last = 0
        i = 0
        while i < len(words):
            for seq in self._by_first.get(lowered[i], ()):
                n = len(seq)
                if tuple(lowered[i:i + n]) == seq:
                    start, end = words[i].start(), words[i + n - 1].end()
                    pieces.append(value[last:start])
                    pieces.append(self._replacement(*self._sequences[seq]))
                    last = end
                    i += n
                    break
            else:
                i += 1
        if not pieces:
            return value
        pieces.append(value[last:])
        return "".join(pieces)

    # -- tables and parameters ----------------------------------------------------------
    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``frame`` with identifiers replaced in every text column, the index and the column names.

        Each distinct value is pseudonymised once, so repeated handles cost one lookup.
        """
        out = frame.copy()
        for column in out.columns:
            series = out[column]
            if pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
                out[column] = self._series(series)
        if pd.api.types.is_string_dtype(out.index.dtype) or out.index.dtype == object:
            out.index = pd.Index(self._series(out.index.to_series()).to_numpy(), name=out.index.name)
        out.columns = [self.text(c) if isinstance(c, str) else c for c in out.columns]
        return out

    def _series(self, series: pd.Series) -> pd.Series:
        texts = series[series.map(lambda v: isinstance(v, str))]  # a column may hold lists (hashtags): not hashable
        mapping = {value: self.text(value) for value in pd.unique(texts)}
        return series.map(lambda v: mapping.get(v, v) if isinstance(v, str) else self._nested(v))

    def _nested(self, value: Any) -> Any:
        """Lists of ids (e.g. a ``top_accounts`` column) are pseudonymised element by element."""
        if isinstance(value, (list, tuple)):
            return type(value)(self._nested(v) for v in value)
        if hasattr(value, "tolist") and getattr(value, "ndim", 0) == 1:
            return [self._nested(v) for v in value.tolist()]
        return self.text(value) if isinstance(value, str) else value

    def values(self, values: Iterable[Any]) -> list[Any]:
        """``values`` (e.g. the ``focal_accounts`` parameter) with identifiers replaced."""
        return [self.text(v) for v in values]

    def params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Notebook parameters safe to print: strings and lists of strings pseudonymised."""
        safe: dict[str, Any] = {}
        for name, value in params.items():
            if isinstance(value, str):
                safe[name] = self.text(value)
            elif isinstance(value, (list, tuple)):
                safe[name] = self.values(value)
            else:
                safe[name] = value
        return safe


class NoPseudonymizer:
    """The same interface as :class:`Pseudonymizer`, changing nothing (``pseudonymize=False``)."""

    enabled = False

    def token(self, account_id: str) -> str:
        return str(account_id)

    def text(self, value: Any) -> Any:
        return value

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame

    def values(self, values: Iterable[Any]) -> list[Any]:
        return list(values)

    def params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return dict(params)


def find_leaks(text: str, accounts: pd.DataFrame, *, limit: int = 20) -> list[str]:
    """Identifiers of ``accounts`` that appear in ``text`` (at most ``limit``), empty when clean.

    Uses the same token matching as the pseudonymiser, so whatever it would
    replace counts as a leak; reports run this on their final HTML.

    >>> accounts = pd.DataFrame({"account_id": ["reddit:spez"], "handle": ["spez"]})
    >>> find_leaks("see u/spez", accounts)
    ['spez']
    """
    sequences = identifiers(accounts)
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for seq in sequences:
        by_first.setdefault(seq[0], []).append(seq)
    for options in by_first.values():
        options.sort(key=len, reverse=True)  # report the longest identifier at a place
    lowered = [m.group(0).lower() for m in _WORD.finditer(text)]
    found: dict[str, None] = {}
    for i, word in enumerate(lowered):
        for seq in by_first.get(word, ()):
            if tuple(lowered[i:i + len(seq)]) == seq:
                found[" ".join(seq)] = None
                if len(found) >= limit:
                    return list(found)
                break
    return list(found)
