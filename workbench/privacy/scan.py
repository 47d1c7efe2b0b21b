"""Checking a written page for names that should have been replaced: the second line of defence.

The data are pseudonymised before anything is computed (:mod:`workbench.privacy.workspace`), so
a raw name on a finished page means something bypassed that: a notebook read a raw table, a file
name or a path slipped into a cell. :class:`LeakScanner` reads a page as a person sees it, the
text of the elements and the attribute values a browser shows or follows (``title``, ``alt``,
``aria-label``, ``href``, ...), never style sheets, scripts or class names (``mark-group`` in
Vega's SVG is not the account "Mark"). Each string goes through the same
:func:`~workbench.privacy.names.prepare` and :func:`~workbench.privacy.names.tokens` as the
replacement, so an emoji-only name, a digit-only name, an NFD handle or a percent-encoded
``%40name`` is seen in every form a reader would see it.

A name is a leak

- anywhere, when it is *distinctive* (:func:`~workbench.privacy.names.is_distinctive`:
  ``KestrelCycles``, ``Jane Smith``, ``🦄🦄🦄``, ``783214``, a loaded file's name, the
  workspace's absolute path);
- where it stands as a name, whatever it is: after ``@``, in ``u/name``, ``from:name``, a profile
  or post URL, a ``<@U123>`` chat mention; or as the whole value of a table column, a row of
  chart labels or a chart field (``handle: 538`` in a mark's ``aria-label``) whose values are at
  least half pseudonyms. An ordinary word or number that equals a short name (``root``, ``now``,
  ``2004``) in prose, a chart axis or a column of other values is no leak: the data were replaced
  at the source, so the word there is the word. So is a number that is a whole value on its own
  (a table cell, a chart field, an axis label), however long: where accounts are numbers (SNAP,
  KONECT), counts equal account ids by chance.

Examples
--------
>>> import pandas as pd
>>> accounts = pd.DataFrame({"account_id": ["reddit:now", "reddit:Jane_S"], "handle": ["now", "Jane_S"]})
>>> scanner = LeakScanner(accounts)
>>> [leak.name for leak in scanner.scan_page("<p>what now? thanks @now and jane_s</p>")]
['Jane_S', 'now']
>>> scanner.scan_page('<table><tr><td>u_0123456789ab</td></tr><tr><td>now</td></tr></table>')[0].where
'table column'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable

import pandas as pd

from workbench.privacy import names
from workbench.privacy.patterns import (CHAT_MENTION, DID, MENTION, NAME_GROUPS, PSEUDONYM, REDDIT, SEARCH, URL,
                                        strip_tail)
from workbench.privacy.index import NameIndex

__all__ = ["Leak", "LeakScanner", "find_leaks", "VISIBLE_ATTRIBUTES"]

#: Attributes whose values a person sees (tooltips, alternative text, labels) or follows (links).
VISIBLE_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "aria-description", "aria-valuetext", "placeholder",
                                "value", "label", "href", "xlink:href", "src", "content", "download", "summary"})
_HIDDEN_ELEMENTS = frozenset({"style", "script", "template"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})
_INLINE = frozenset({"text", "tspan", "span", "a", "b", "i", "em", "strong", "code", "small", "sub", "sup", "label"})
_MISSING = frozenset({"", "nan", "none", "null", "<na>", "nat", "-", "—"})
# A hashtag shown beside pseudonyms (the accounts x hashtags graph) is a hashtag, even where an account's
# display name is the same text ("#vacature"): display names were replaced at the source.
_HASHTAG = re.compile(r"[#＃][\w-]+")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


@dataclass(frozen=True)
class Leak:
    """One name found on a page: the name as the data hold it, and where it stood."""

    name: str
    where: str
    context: str

    def __str__(self) -> str:
        return f"{self.name!r} ({self.where}: {self.context!r})"


class _Visible(HTMLParser):
    """Collects ``(group, where, string)`` of what a person sees; a group holds values shown side by side."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[tuple, str, str]] = []
        self._stack: list[tuple[str, int]] = []
        self._count = 0
        self._hidden = 0
        self._tables: list[list[int]] = []  # [table id, column of the current cell]
        self._cell: tuple[tuple, list[str], int] | None = None

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self._stack[-1][1] if self._stack else 0
        for name, value in attrs:
            if not value or name not in VISIBLE_ATTRIBUTES or value.startswith("data:"):
                continue
            if name == "aria-label" and ": " in value:
                # Vega writes a mark's fields as "handle: u_3f...; influence: 0.91"
                for field in value.split("; "):
                    label, _, shown = field.partition(": ")
                    self.items.append((("field", parent, label), f"{tag} {name} {label}", shown))
            else:
                self.items.append((("attribute", parent, tag, name), f"{tag} {name}", value))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._count += 1
        self._attributes(tag, attrs)
        if tag in _VOID:
            return
        if tag in ("td", "th") and self._cell is not None:
            self._close_cell()
        self._stack.append((tag, self._count))
        if tag in _HIDDEN_ELEMENTS:
            self._hidden += 1
        elif tag == "table":
            self._tables.append([self._count, -1])
        elif tag == "tr" and self._tables:
            self._tables[-1][1] = -1
        elif tag in ("td", "th") and self._tables:
            self._tables[-1][1] += 1
            # a column's header is not one of its values ("handle" over a column of pseudonyms)
            part = "head" if any(open_tag == "thead" for open_tag, _ in self._stack) else "cell"
            self._cell = ((part, *self._tables[-1]), [], len(self._stack))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._count += 1
        self._attributes(tag, attrs)

    def _close_cell(self) -> None:
        group, parts, _ = self._cell
        self._cell = None
        self.items.append((group, "table column", "".join(parts)))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, -1, -1):
            if self._stack[depth][0] == tag:
                break
        else:
            return  # a stray end tag
        for closed, _ in self._stack[depth:]:
            if closed in _HIDDEN_ELEMENTS:
                self._hidden -= 1
            elif closed == "table" and self._tables:
                self._tables.pop()
        if self._cell is not None and depth < self._cell[2]:
            self._close_cell()
        del self._stack[depth:]

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._cell is not None:
            self._cell[1].append(data)
            return
        if not data.strip():
            return
        tag, me = self._stack[-1] if self._stack else ("", 0)
        # The labels of one chart axis are <text> elements of one <g>: group them by that parent.
        group_of = self._stack[-2][1] if tag in _INLINE and len(self._stack) > 1 else me
        self.items.append((("text", tag, group_of), f"{tag or 'page'} text", data))

    def close(self) -> None:
        super().close()
        if self._cell is not None:
            self._close_cell()


class LeakScanner:
    """Finds the names of ``accounts`` (and loaded files, and local paths) in pages or text.

    Parameters
    ----------
    accounts : DataFrame
        ``account_id``, optionally ``handle`` and ``display_name``: the raw workspace's accounts.
    files : iterable of str
        Paths of loaded files: their names (``KestrelCycles_timeline.jsonl``) are distinctive.
    paths : iterable of str
        Absolute paths that must not appear (the workspace, its folder).
    words : frozenset of str, optional
        Words that never make a name distinctive (default :func:`~workbench.privacy.names.vocabulary`).

    Build one scanner per report and scan each page with it: building reads every name once,
    scanning a page reads each of its strings once.
    """

    def __init__(self, accounts: pd.DataFrame, *, files: Iterable[str] = (), paths: Iterable[str] = (),
                 words: frozenset[str] | None = None):
        self.index = NameIndex.build(accounts, words=words)
        for path in paths:
            if str(path).strip():
                self.index.add(str(path), ("", "path", str(path)), forced=True)
        for path in files:
            name = Path(str(path).replace("\\", "/")).name
            if len(names.tokens(names.prepare(name))) > 1:  # a name with its suffix: "KestrelCycles_timeline.jsonl"
                self.index.add(name, ("", "file", name), forced=True)

    # -- one string -------------------------------------------------------------------------------
    def _named(self, name: str) -> str | None:
        """The account name that a name captured in a name position is, if any."""
        name, _ = strip_tail(name)
        if not name or PSEUDONYM.fullmatch(name):
            return None
        known = self.index.known
        found = known.get(names.key(name))
        if found is None and "." in name:
            found = known.get(names.key(name.split(".", 1)[0]))
        return None if found is None else found[2]

    def _in_name_positions(self, prepared: str) -> Iterable[str]:
        for match in URL.finditer(prepared):
            for group in NAME_GROUPS:
                if match.group(group):
                    yield match.group(group)
        for pattern in (CHAT_MENTION, MENTION, REDDIT, SEARCH):
            for match in pattern.finditer(prepared):
                yield match.group("name")
        for match in DID.finditer(prepared):
            yield match.group(0)

    def _scan_string(self, text: str, where: str, found: dict[str, Leak]) -> list[str]:
        prepared = names.prepare(text)
        sequence = names.tokens(prepared)
        context = " ".join(text.split())[:80]
        for i in range(len(sequence)):
            match = self.index.find(sequence, i)
            if match is not None:
                name = match[1][2]
                found.setdefault(name, Leak(name, where, context))
        if "@" in prepared or "/" in prepared or ":" in prepared or "＠" in prepared:
            for captured in self._in_name_positions(prepared):
                name = self._named(captured)
                if name is not None:
                    found.setdefault(name, Leak(name, where + ", as a name", context))
        return sequence

    # -- public ---------------------------------------------------------------------------------
    def scan_text(self, text: str, *, limit: int = 20) -> list[Leak]:
        """Leaks in plain text: distinctive names anywhere, any name where it stands as a name."""
        found: dict[str, Leak] = {}
        self._scan_string(text, "text", found)
        return list(found.values())[:limit]

    def scan_page(self, page: str, *, limit: int = 20) -> list[Leak]:
        """Leaks in an HTML page, read as a person sees it (see the module's description)."""
        parser = _Visible()
        parser.feed(page)
        parser.close()
        found: dict[str, Leak] = {}
        groups: dict[tuple, list[tuple[str, str, str]]] = {}
        for group, where, text in parser.items:
            if _NUMBER.fullmatch(text.strip()):
                # A number standing alone (a cell, a chart field, an axis label) is a value: on SNAP Higgs,
                # whose accounts are numbers, a day's 233331 interactions is not account 233331. Such a
                # value names an account only in a column of names, which the check below reads.
                sequence = names.tokens(names.prepare(text))
            else:
                sequence = self._scan_string(text, where, found)
            groups.setdefault(group, []).append((where, text, "".join(sequence)))
        for members in groups.values():
            shown = [(where, text, joined) for where, text, joined in members
                     if text.strip().lower() not in _MISSING]
            pseudonyms = sum(1 for _, text, _ in shown if PSEUDONYM.fullmatch(text.strip()))
            if not pseudonyms or 2 * pseudonyms < len(shown):
                continue
            for where, text, joined in shown:
                if _HASHTAG.fullmatch(text.strip()):
                    continue
                owner = self.index.known.get(joined)
                if owner is not None:
                    found.setdefault(owner[2], Leak(owner[2], where, " ".join(text.split())[:80]))
        return list(found.values())[:limit]


def find_leaks(text: str, accounts: pd.DataFrame, *, limit: int = 20) -> list[str]:
    """Names of ``accounts`` that plain ``text`` shows (see :class:`LeakScanner`), empty when clean.

    >>> accounts = pd.DataFrame({"account_id": ["reddit:spez"], "handle": ["spez"]})
    >>> find_leaks("see u/spez, spez", accounts)
    ['spez']
    """
    return [leak.name for leak in LeakScanner(accounts).scan_text(text, limit=limit)]
