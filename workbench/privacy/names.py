"""How a name is seen: one normal form, one tokenisation and one judgement of how telling a name is.

Three people look at a name: the pseudonymiser that replaces it, the scan that checks a written
page, and a reader. They must agree on what counts as the same name, so both the replacer and the
scan go through :func:`prepare` and :func:`tokens`:

- :func:`prepare` is what a reader sees: NFKC (``jose`` + a combining accent is ``josé``, the
  full-width ``＠ａｌｉｃｅ＿ｗ`` is ``@alice_w``),
  percent-escapes decoded (``%40name`` is ``@name``, ``from%3Aname`` is ``from:name``), and the
  characters that draw nothing removed (zero-width joiners and spaces, bidirectional controls,
  variation selectors, control characters).
- :func:`tokens` splits prepared text into words (letters and digits with their combining marks)
  and single symbols (every emoji and punctuation mark is a token of its own), so that a name
  made only of emoji (``🦄🦄🦄``) is as visible as one made of letters. Each token is compared in
  its folded form (NFKC, case-folded): ``ＫｅｓｔｒｅｌＣｙｃｌｅｓ`` and ``kestrelcycles`` are one name.
- :func:`is_distinctive` says whether a name identifies on its own wherever it stands
  (``KestrelCycles``, ``alice_w``, ``Jane Smith``, ``🦄🦄🦄``, ``783214``), or is an ordinary
  word or number (``root``, ``now``, ``Mark``, ``2004``, ``007``) that identifies only where it
  stands *as a name*: in an identifier column, after ``@``, in a profile URL.

Examples
--------
>>> tokens(prepare("Thanks @Jose\\u0301.Smith %F0%9F%A6%84!"))
['thanks', '@', 'josé', '.', 'smith', '🦄', '!']
>>> [is_distinctive(n) for n in ("KestrelCycles", "root", "Mark", "2004", "🦄🦄🦄", "Jane Smith", "783214")]
[True, False, False, False, True, True, True]
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from pathlib import Path
from typing import Iterable

__all__ = ["prepare", "tokens", "spans", "fold", "key", "is_distinctive", "distinctive_tokens", "lengths_by_first", "vocabulary",
           "MIN_LENGTH", "MIN_DISTINCTIVE_NUMBER"]

#: A name shorter than this (in folded characters, symbols included) never counts on its own.
MIN_LENGTH = 3
#: A name made of digits identifies on its own from this many digits (account ids); shorter
#: ones are read as counts, years and codes (``2004``, ``007``).
MIN_DISTINCTIVE_NUMBER = 6

_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


@functools.lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    """The invisible characters and the token pattern, computed once from the Unicode tables.

    Planes 0 and 1 hold every combining mark and format character but the tag characters, which
    are added by hand.
    """
    marks: list[str] = []
    invisible = ["\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufe00-\ufe0f",
                 "\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef"]
    start = None
    for code in range(0x20000):
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Cf":
            invisible.append(re.escape(char))
        is_mark = category in ("Mn", "Mc", "Me") and not 0xFE00 <= code <= 0xFE0F
        if is_mark and start is None:
            start = code
        elif not is_mark and start is not None:
            marks.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    return (re.compile("[" + "".join(invisible) + "]+"),
            re.compile("(?:\\w[\\w" + "".join(marks) + "]*)|[^\\w\\s]"))


def _decode_percent(match: re.Match) -> str:
    raw = match.group(0)
    try:
        decoded = bytes.fromhex(raw.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return raw
    # An escaped control character or space stays escaped: it would only change how text breaks.
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in decoded):
        return raw
    return decoded


def prepare(text: str) -> str:
    """``text`` as a reader sees it: NFKC, percent-escapes decoded, invisible characters removed.

    >>> prepare("%2540jo%73e\\u0301\\u200b!")
    '@josé!'
    """
    if text.isascii() and text.isprintable() and "%" not in text:
        return text  # nothing to decode, nothing invisible, and NFKC leaves ASCII as it is
    invisible, _ = _patterns()
    for _ in range(3):  # twice-encoded URLs (%2540 -> %40 -> @) exist
        if "%" not in text:
            break
        decoded = _PERCENT_RUN.sub(_decode_percent, text)
        if decoded == text:
            break
        text = decoded
    text = invisible.sub("", text)
    return unicodedata.normalize("NFKC", text)


def fold(token: str) -> str:
    """The form in which tokens are compared: NFKC, case-folded (``ＡＬＩＣＥ`` -> ``alice``)."""
    if token.isascii():
        return token.lower()
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", token).casefold())


def spans(prepared: str) -> list[tuple[int, int, str]]:
    """``(start, end, folded token)`` of every token of already prepared text."""
    _, pattern = _patterns()
    if prepared.isascii():
        return [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(prepared.lower())]
    found = []
    for match in pattern.finditer(prepared):
        folded = fold(match.group(0))
        if folded:
            found.append((match.start(), match.end(), folded))
    return found


def tokens(prepared: str) -> list[str]:
    """The folded tokens of already prepared text (see :func:`prepare`)."""
    _, pattern = _patterns()
    if prepared.isascii():
        return pattern.findall(prepared.lower())
    return [f for f in (fold(t) for t in pattern.findall(prepared)) if f]


def key(value: str) -> str:
    """One string per name: its folded tokens joined, so ``@Jane.Smith`` and ``jane . smith`` meet."""
    return "".join(tokens(prepare(value)))


def _is_word(token: str) -> bool:
    return token[0] == "_" or token[0].isalnum()


def _is_pictograph(token: str) -> bool:
    """An emoji or another drawn symbol: telling, unlike punctuation (``.``, ``-``, ``<``)."""
    return not token.isascii() and unicodedata.category(token[0])[0] == "S"


def _camel(word: str) -> bool:
    return any(a.islower() and b.isupper() for a, b in zip(word, word[1:]))


def is_distinctive(name: str, *, words: frozenset[str] | None = None) -> bool:
    """Whether ``name`` identifies on its own wherever it appears.

    A name is *distinctive* when it is at least :data:`MIN_LENGTH` characters long and holds an
    emoji or other pictograph, or two or more words (``Jane Smith``, ``jane.smith``), or one word
    that mixes letters with digits or underscores or is written in camel case (``KestrelCycles``),
    or is a number of at least :data:`MIN_DISTINCTIVE_NUMBER` digits. Other names are ordinary
    words and numbers (``root``, ``Mark``, ``2004``): they identify only where they stand as a
    name. ``words`` (default :func:`vocabulary`) are the workbench's own words: a name made only
    of them (``Community Health``) is ordinary, so that a report's own text never counts as a leak.
    """
    prepared = prepare(name)
    return distinctive_tokens(prepared, tokens(prepared), words=words)


def distinctive_tokens(prepared: str, folded: list[str] | tuple[str, ...], *,
                       words: frozenset[str] | None = None) -> bool:
    """:func:`is_distinctive` of a name already prepared and tokenised (for building indexes)."""
    if sum(len(t) for t in folded) < MIN_LENGTH:
        return False
    if any(_is_pictograph(t) for t in folded):
        return True
    folded_words = [t for t in folded if _is_word(t)]
    if not folded_words:
        return False  # punctuation only: "...", "-_-"
    own = vocabulary() if words is None else words
    if all(w in own for w in folded_words):
        return False
    if len(folded_words) >= 2:
        return True
    word = folded_words[0]
    if word.isdigit():
        return len(word) >= MIN_DISTINCTIVE_NUMBER
    return not (word.isalpha() and not _camel(prepared))


def lengths_by_first(sequences: Iterable[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    """First token -> the lengths of the names that start with it, longest first.

    A place in a text is then checked with one dictionary lookup per length, however many names
    share their first token (every ``twitter:...`` id starts with ``twitter``).
    """
    lengths: dict[str, set[int]] = {}
    for sequence in sequences:
        lengths.setdefault(sequence[0], set()).add(len(sequence))
    return {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}


def _notebook_text(path: Path) -> Iterable[str]:
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return []
    return ["".join(c.get("source", [])) if isinstance(c.get("source"), list) else str(c.get("source", ""))
            for c in cells]


#: Words a report prints around the data (header, notes, table and chart furniture).
_REPORT_WORDS = ("report dataset time span parameters generated workbench pseudonymised accounts posts "
                 "interactions loads rejects interactive panel open this notebook in jupyterlab to move the "
                 "controls chart above shows default nan none null true false")


@functools.lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """The words of the workbench's own text: its notebooks, its queries and a report's furniture.

    A name made only of these words (a display name ``Community Health``, a handle
    ``distinct_sources``) is not distinctive: the report prints them whatever the data.
    """
    from workbench import resources

    texts = [_REPORT_WORDS]
    for path in sorted(resources.folder("notebooks").glob("*.ipynb")):
        texts.extend(_notebook_text(path))
    for path in sorted(resources.folder("queries").rglob("*.sql")):
        texts.append(path.read_text(encoding="utf-8"))
    folded = unicodedata.normalize("NFKC", " ".join(texts)).casefold()
    return frozenset(w for w in re.findall(r"\w+", folded) if not w.isdigit())
