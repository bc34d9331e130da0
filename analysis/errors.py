"""One exception type per kind of user error; the CLI turns each into one clear line."""

from __future__ import annotations


class StairsError(Exception):
    """Base class of errors a user can fix; never shown with a traceback."""

    exit_code = 2


class DataError(StairsError):
    """A data file is missing, unreadable or malformed."""


class ParameterError(StairsError):
    """A chapter or command was given an unknown or invalid parameter."""


class ValidationFailed(StairsError):
    """The data-quality gate found failures; the build must not go on."""

    exit_code = 1

    def __init__(self, message: str, report: object = None):
        super().__init__(message)
        self.report = report


class BuildError(StairsError):
    """A build stage failed (execution of a chapter, rendering or publishing)."""

    exit_code = 1
