"""Errors raised by the workbench.

Every error a user can cause derives from :class:`WorkbenchError` and from the
built-in exception that best describes it, so callers may catch either.
Messages say what was expected and what came, and name the file and line when
the problem is in an input file.
"""

from __future__ import annotations

__all__ = [
    "WorkbenchError",
    "ExportFormatError",
    "UnknownFormatError",
    "EmptyExportError",
    "StrictModeError",
    "QueryError",
    "WorkspaceBusyError",
    "WorkspaceError",
    "ParameterError",
    "EmptyGraphError",
    "PrivacyError",
    "ReportError",
    "WorkbenchWarning",
    "RoleEvidenceWarning",
]


class WorkbenchError(Exception):
    """Base class of every error the workbench raises on purpose."""


class ExportFormatError(WorkbenchError, ValueError):
    """An export file could not be read as the format it claims to be.

    ``path`` and ``line_no`` (1-based, in the decompressed file) locate the
    problem when it is known.
    """

    def __init__(self, message: str, *, path: str | None = None, line_no: int | None = None):
        self.path = path
        self.line_no = line_no
        where = ""
        if path is not None:
            where = f"{path}"
            if line_no is not None:
                where += f" line {line_no}"
            where += ": "
        super().__init__(where + message)


class UnknownFormatError(ExportFormatError):
    """The format of an export could not be detected or is not supported."""


class EmptyExportError(ExportFormatError):
    """An export in which no record could be read."""


class StrictModeError(ExportFormatError):
    """A record was rejected while loading with ``strict=True``; nothing was loaded."""


class QueryError(WorkbenchError, KeyError):
    """A named query does not exist, or its parameters do not match."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class ParameterError(WorkbenchError, ValueError):
    """A parameter value is not one of the allowed values."""


class EmptyGraphError(ParameterError):
    """The chosen kinds and time window leave no interaction to build a graph from."""


class WorkspaceError(WorkbenchError, OSError):
    """The workspace file cannot be opened or is not a workbench workspace."""


class WorkspaceBusyError(WorkspaceError):
    """Another process holds the workspace open for writing."""


class PrivacyError(WorkbenchError, ValueError):
    """Pseudonymisation cannot be done safely (no key, key inside a report folder, or a leak found)."""


class ReportError(WorkbenchError, RuntimeError):
    """A report could not be made: a notebook failed, or a page would not be self-contained."""


class WorkbenchWarning(UserWarning):
    """Base class of the warnings the workbench gives: the result is made, but read it with care."""


class RoleEvidenceWarning(WorkbenchWarning):
    """The interactions in a scoring window cannot support a role score (e.g. no responses: no influence).

    The score in question is left missing (NaN), never a column of zeros, and the message says
    which kinds the window holds and which it would need.
    """
