"""The pseudonymisation key and the keyed hash (HMAC-SHA256, RFC 2104).

The same account gets the same pseudonym in every report made with the same key, and nobody
without the key can test a guess ("is u_3f9a... @alice?") by hashing candidate handles. The key
comes from the environment variable ``WORKBENCH_PSEUDONYM_KEY``, or from a key file
(``WORKBENCH_PSEUDONYM_KEY_FILE``, default ``~/.config/workbench/pseudonym.key``) created with 32
random bytes when missing. It never enters a workspace or a report: the SQL that hashes ids in
DuckDB receives it as bound parameters (the HMAC pads), never as text of a query or a table.

>>> hasher = KeyedHash(b"k" * 32)
>>> hasher.token("account", "twitter:783214")[:2], len(hasher.token("account", "twitter:783214"))
('u_', 14)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from workbench.errors import PrivacyError

__all__ = ["KEY_ENV", "KEY_FILE_ENV", "DIGEST_CHARS", "default_key_path", "load_key", "KeyedHash"]

KEY_ENV = "WORKBENCH_PSEUDONYM_KEY"
KEY_FILE_ENV = "WORKBENCH_PSEUDONYM_KEY_FILE"
DIGEST_CHARS = 12  # 48 bits: collisions stay unlikely (< 1%) up to ~2 million accounts
_BLOCK = 64  # SHA-256 block size in bytes


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


class KeyedHash:
    """HMAC-SHA256 under one key, as short tokens: ``u_`` + 12 hex digits for accounts.

    A token is ``prefix`` + the first :data:`DIGEST_CHARS` hex digits of
    HMAC(key, ``kind + ":" + value``); the kind keeps an account, a post and a file with the same
    text apart. :meth:`pads` gives the key to DuckDB's ``sha256`` in the form HMAC needs, so that
    ids are hashed in SQL with the same result.
    """

    PREFIXES = {"account": "u_", "handle": "u_", "post": "p_", "link": "l_", "file": "f_"}

    def __init__(self, key: bytes):
        if not key:
            raise PrivacyError("the pseudonymisation key is empty")
        self._key = bytes(key)

    def hexdigest(self, kind: str, value: str) -> str:
        return hmac.new(self._key, f"{kind}:{value}".encode("utf-8"), hashlib.sha256).hexdigest()

    def token(self, kind: str, value: str) -> str:
        """``u_3f9a...``: the pseudonym of ``value`` of this kind (account, handle, post, link, file)."""
        return self.PREFIXES[kind] + self.hexdigest(kind, value)[:DIGEST_CHARS]

    def pads(self) -> dict[str, bytes]:
        """The inner and outer HMAC pads (RFC 2104) as bound parameters for the SQL hash."""
        key = self._key if len(self._key) <= _BLOCK else hashlib.sha256(self._key).digest()
        key = key.ljust(_BLOCK, b"\0")
        return {"inner_pad": bytes(b ^ 0x36 for b in key), "outer_pad": bytes(b ^ 0x5C for b in key)}
