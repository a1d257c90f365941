"""The one object through which services report progress and results to people.

Services never print and never exit; they are given a :class:`Reporter`. The CLI makes one that
writes through rich; tests can use :class:`Reporter` with ``quiet=True`` or read ``lines``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field


@dataclass
class Reporter:
    quiet: bool = False
    lines: list[str] = field(default_factory=list)
    _console: object | None = None
    _err_console: object | None = None

    @property
    def console(self):
        if self._console is None:
            from rich.console import Console

            self._console = Console(highlight=False, soft_wrap=True)
        return self._console

    @property
    def err_console(self):
        if self._err_console is None:
            from rich.console import Console

            self._err_console = Console(stderr=True, highlight=False, soft_wrap=True)
        return self._err_console

    def info(self, message: str) -> None:
        self.lines.append(message)
        if not self.quiet:
            self.console.print(message, markup=False)

    def rich(self, renderable: object) -> None:
        """Print a rich renderable (table, panel) for people."""
        if not self.quiet:
            self.console.print(renderable)

    def warn(self, message: str) -> None:
        self.lines.append(f"warning: {message}")
        if not self.quiet:
            self.err_console.print(f"warning: {message}", markup=False, style="yellow")

    def error(self, message: str) -> None:
        self.lines.append(f"error: {message}")
        self.err_console.print(f"error: {message}", markup=False, style="red")

    @property
    def interactive(self) -> bool:
        return sys.stdin.isatty() and sys.stdout.isatty()
