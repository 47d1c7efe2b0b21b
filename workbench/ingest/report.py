"""What a load did, for the user and for tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.containment import visible

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FileReport", "LoadReport"]


@dataclass
class FileReport:
    """One file's load.

    ``records_read`` counts the records in the file (lines, or array elements for
    document formats), ``records_loaded`` those accepted, ``records_rejected``
    those sent to ``rejects``; ``new_*`` count rows the load added to the
    workspace (zero when the file was already loaded). ``unresolved`` counts
    interactions whose target could not be resolved; ``new_entities`` the links and hashtags added
    (``post_entities``), so that a workspace made before that table fills it when the file is loaded again. ``assumed_kind`` is the kind given to
    ``assumed_kind_rows`` rows that named none (edge lists and graph files; None when every row had one),
    ``assumed_kind_default`` whether it was the default rather than the caller's ``kind=``.
    """

    path: str
    format: str
    platform: str | None = None
    load_id: int | None = None
    sha256: str | None = None
    bytes: int = 0
    records_read: int = 0
    records_loaded: int = 0
    records_rejected: int = 0
    new_accounts: int = 0
    new_posts: int = 0
    new_interactions: int = 0
    new_attributes: int = 0
    new_entities: int = 0
    unresolved: int = 0
    assumed_kind: str | None = None
    assumed_kind_rows: int = 0
    assumed_kind_default: bool = False
    status: str = "ok"
    already_loaded_as: int | None = None
    first_rejects: list[tuple[int | None, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    def summary(self) -> str:
        """A few lines for the terminal (names from the data with their control characters made visible)."""
        head = f"{visible(self.path)} [{visible(self.format)}]"
        if self.status == "failed":
            return f"{head}: FAILED: {visible(self.error)}"
        lines = [
            f"{head}: read {self.records_read:,}, loaded {self.records_loaded:,}, rejected {self.records_rejected:,}; "
            f"new accounts {self.new_accounts:,}, posts {self.new_posts:,}, interactions {self.new_interactions:,}"
            + (f", account attributes {self.new_attributes:,}" if self.new_attributes else "")
            + (f"; unresolved targets {self.unresolved:,}" if self.unresolved else "")
        ]
        lines.extend(f"  {note}" for note in self.notes)
        if self.assumed_kind is not None:
            lines.append(f"  kind: {self.assumed_kind_rows:,} rows name no kind and were loaded as "
                         f"'{self.assumed_kind}'" + (" (the default; choose with --kind, e.g. --kind reply)"
                                                     if self.assumed_kind_default else " (--kind)"))
        if self.already_loaded_as is not None:
            lines.append(f"  already loaded as load {self.already_loaded_as} (sha256 {self.sha256[:12]}…): nothing changed")
        for line_no, reason in self.first_rejects:
            lines.append(f"  reject at line {line_no}: {visible(reason)}")
        return "\n".join(lines)


@dataclass
class LoadReport:
    """All files of one ``load`` call."""

    files: list[FileReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.status == "ok" for f in self.files)

    def __getattr__(self, name: str):
        # totals: report.records_read, report.new_posts, ...
        if name.startswith("__") or name not in FileReport.__dataclass_fields__:
            raise AttributeError(name)
        return sum(getattr(f, name) or 0 for f in self.files)

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([{k: v for k, v in f.__dict__.items() if k not in ("first_rejects", "notes")}
                             for f in self.files])

    def summary(self) -> str:
        return "\n".join(f.summary() for f in self.files)

    def __repr__(self) -> str:
        return (f"<LoadReport {len(self.files)} file(s): read {self.records_read}, loaded {self.records_loaded}, "
                f"rejected {self.records_rejected}>")
