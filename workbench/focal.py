"""Focal accounts: the brand's own accounts, flagged ``is_focal`` in the workspace.

Advocates (who amplifies the brand) and responsiveness (are questions to the brand
answered) are measured against the focal accounts. Flag them once with :func:`add`
(``workbench focal add``) and every report and notebook uses them; a notebook's
``focal_accounts`` parameter or ``--focal`` on ``roles`` and ``report`` chooses others for
one run without changing the workspace. Accounts are named by account id
(``twitter:783214``) or handle (``@brand`` or ``brand``, case-insensitive).

Examples
--------
>>> import workbench as wb
>>> from workbench import focal
>>> from workbench.roles._examples import tiny_store
>>> store = tiny_store()
>>> focal.add(store, ["@brewco"])
['twitter:30000015']
>>> focal.listed(store)["handle"].tolist()
['brewco']
>>> focal.remove(store, "brewco")
['twitter:30000015']
>>> len(focal.listed(store))
0
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from workbench.errors import ParameterError
from workbench.roles.window import resolve_focal

__all__ = ["add", "remove", "listed", "SAMPLE_FOCAL", "HOW_TO_SET"]

#: The bundled sample's brand account, flagged wherever the sample is loaded as a workspace.
SAMPLE_FOCAL = ("KestrelCycles",)
#: One line saying how to set focal accounts, for sections that need them.
HOW_TO_SET = ("No focal accounts are set. Flag the brand's accounts with `workbench focal add --db WORKSPACE @handle` "
              "(or `wb.focal.add(store, ['@handle'])`), or pass `--focal @handle` to `workbench report` "
              "(the notebooks' `focal_accounts` parameter).")


def _ids(store, names: str | Iterable[str]) -> list[str]:
    if isinstance(names, str):
        names = names.split(",")
    names = [n for n in names if n and n.strip()]
    if not names:
        raise ParameterError("name at least one account (an account id such as twitter:783214 or a handle such as @brand)")
    return resolve_focal(store, names)


def add(store, names: str | Iterable[str]) -> list[str]:
    """Flag the accounts ``names`` as focal; returns their account ids.

    A name that matches no account raises :class:`~workbench.errors.ParameterError` and
    nothing is flagged.
    """
    ids = _ids(store, names)
    store.execute("focal.flag", account_ids=ids, value=True)
    return ids


def remove(store, names: str | Iterable[str]) -> list[str]:
    """Clear the focal flag of the accounts ``names``; returns their account ids."""
    ids = _ids(store, names)
    store.execute("focal.flag", account_ids=ids, value=False)
    return ids


def listed(store) -> pd.DataFrame:
    """The focal accounts: ``account_id``, ``platform``, ``handle``, ``display_name``."""
    return store.query("focal.listed")
