"""What a scoring run looks at: interaction kinds, a time interval and the focal accounts.

A *window* is the set of interactions of the chosen kinds whose ``created_at`` lies in
``[since, until)`` (a missing bound is open), without self-interactions, plus the
collected posts of that interval. :func:`window` materialises it as temp tables keyed by
dense account ids (``_roles_accounts``, ``_roles_ix``, ``_roles_posts``, ``_roles_own_posts``,
``_roles_pairs``; see ``queries/roles/window.sql``) which the other ``roles.*`` queries
read; temp tables also work on a read-only workspace. Kinds and times are checked by
:mod:`workbench.checks`, so graphs and scores accept the same values.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import datetime

from workbench.errors import ParameterError

__all__ = ["resolve_focal", "window"]


def resolve_focal(store, focal: str | Iterable[str] | None) -> list[str]:
    """Account ids of the focal accounts.

    ``focal`` names them by account id (``twitter:783214``) or handle (``@brand`` or
    ``brand``, case-insensitive), as a list or a comma-separated string; None takes
    the accounts flagged ``is_focal`` in the store. Names that match no account raise
    :class:`ParameterError`.
    """
    if focal is None:
        frame = store.query("roles.focal_ids", names=None, handles=None)
        return frame["account_id"].tolist()
    if isinstance(focal, str):
        focal = focal.split(",")
    names = [name.strip() for name in focal if name and name.strip()]
    handles = [name.lstrip("@").lower() for name in names]
    frame = store.query("roles.focal_ids", names=names, handles=handles)
    found_ids = set(frame["account_id"])
    found_handles = set(frame["handle"].dropna().str.lower())
    missing = [n for n, h in zip(names, handles) if n not in found_ids and h not in found_handles]
    if missing:
        raise ParameterError(f"focal account(s) not found in the workspace: {', '.join(missing)} "
                             "(give account ids such as twitter:783214 or handles such as @brand)")
    return frame["account_id"].tolist()


@contextlib.contextmanager
def window(store, *, kinds: Iterable[str], since: datetime | None, until: datetime | None) -> Iterator[None]:
    """Materialise the window's temp tables for the ``roles.*`` queries; drop them afterwards."""
    if since is not None and until is not None and since >= until:
        raise ParameterError(f"since ({since.isoformat()}) must be before until ({until.isoformat()})")
    store.execute("roles.prepare", kinds=list(kinds), since=since, until=until)
    try:
        yield
    finally:
        store.execute("roles.cleanup")
