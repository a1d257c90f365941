"""Process-level locks: one upgrade per repository, and telling dead processes' leftovers apart."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mlgolden.errors import UsageError


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def repo_lock(lock: Path, repo: Path) -> Iterator[None]:
    """Hold ``lock`` (a file holding our pid); a lock whose process died is taken over."""
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        if _holder_alive(lock):
            raise UsageError(
                f"another mlgolden upgrade is running on {repo}", hint="wait for it to finish"
            ) from None
        _take_over(lock, repo)  # its process died (e.g. SIGKILL)
        fd = None
    try:
        if fd is not None:
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
        yield
    finally:
        lock.unlink(missing_ok=True)


def _take_over(lock: Path, repo: Path) -> None:
    """Replace a dead holder's lock atomically: our pid goes into a new file (O_EXCL) that is
    renamed over the stale lock only if the lock still names the same dead process; of two
    processes taking over at once, the one whose rename lands second sees a live pid and stops."""
    stale = lock.read_text() if lock.exists() else ""
    mine = lock.with_name(f"{lock.name}.{os.getpid()}")
    fd = os.open(mine, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    try:
        current = lock.read_text() if lock.exists() else ""
        if current != stale:
            raise UsageError(f"another mlgolden upgrade is running on {repo}", hint="wait for it to finish")
        os.replace(mine, lock)
    finally:
        mine.unlink(missing_ok=True)
    if lock.read_text().strip() != str(os.getpid()):
        raise UsageError(f"another mlgolden upgrade is running on {repo}", hint="wait for it to finish")


def _holder_alive(lock: Path) -> bool:
    try:
        return pid_alive(int(lock.read_text().strip() or "0"))
    except (OSError, ValueError):
        return True  # being written right now: assume alive
