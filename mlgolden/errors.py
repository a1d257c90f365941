"""The one error type of mlgolden and its exit codes.

Every failure a user can cause or meet is a :class:`MlgoldenError`; the CLI catches this base
class once and turns it into a one-line message and an exit code. Anything else is a bug.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # an operation or a check failed
EXIT_USAGE = 2  # usage error or refused input; nothing was written
EXIT_NOT_APPLIED = 3  # an upgrade could not be applied; the message says the repo's state
EXIT_INTERRUPTED = 130  # Ctrl-C / SIGTERM, as in every shell; nothing was written


class MlgoldenError(Exception):
    """A failure with a one-line message meant for the user."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        text = " ".join(self.message.split())
        if self.hint:
            text += f" ({' '.join(self.hint.split())})"
        return text


class UsageError(MlgoldenError):
    """Bad input refused before anything was written (exit 2)."""

    exit_code = EXIT_USAGE


class OperationError(MlgoldenError):
    """An operation that started could not finish (exit 1)."""

    exit_code = EXIT_FAILED


class NotApplied(MlgoldenError):
    """An upgrade that could not be applied (a file git cannot write, a hook, signing, a full
    disk): the message says in one line whether the repo is as before or in a cherry-pick to abort.
    Never exit 1, which means conflicts."""

    exit_code = EXIT_NOT_APPLIED


class Interrupted(MlgoldenError):
    """The user interrupted (Ctrl-C or SIGTERM); the work was rolled back."""

    exit_code = EXIT_INTERRUPTED
