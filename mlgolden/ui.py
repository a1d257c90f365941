"""The one object through which services report progress and results to people.

Services never print and never exit; they are given a :class:`Reporter`. The CLI makes one that
writes through rich; tests can use :class:`Reporter` with ``quiet=True`` or read ``lines``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

_UNBOUNDED = 100_000  # columns a table may take when nothing limits it (a pipe, a log)


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

            self._console = Console(highlight=False)
            self._console.soft_wrap = not self._console.is_terminal  # wrap for people, not for pipes
        return self._console

    @property
    def err_console(self):
        if self._err_console is None:
            from rich.console import Console

            self._err_console = Console(stderr=True, highlight=False)
            self._err_console.soft_wrap = not self._err_console.is_terminal
        return self._err_console

    def info(self, message: str) -> None:
        self.lines.append(message)
        if not self.quiet:
            self.console.print(message, markup=False)

    def columns(self, rows: list[tuple[str, ...]], indent: int = 0) -> None:
        """Aligned columns; at a terminal the last column wraps under itself, in a pipe each row
        stays one line (for grep)."""
        self.lines.extend(" " * indent + "  ".join(row) for row in rows)
        if self.quiet or not rows:
            return
        if self.console.is_terminal:
            from rich.table import Table

            table = Table.grid(padding=(0, 2), pad_edge=False)
            for _ in rows[0][:-1]:
                table.add_column(no_wrap=True)
            table.add_column()
            for row in rows:
                table.add_row(*row)
            from rich.padding import Padding

            self.console.print(Padding(table, (0, 0, 0, indent)))
            return
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.console.print(" " * indent + "  ".join([*cells, row[-1]]).rstrip(), markup=False)

    def rich(self, renderable: object) -> None:
        """Print a rich renderable (table, panel) for people. At a terminal it fits the window
        (cells wrap under themselves); in a pipe or a log it is as wide as its content, so no
        message is wrapped or cut whatever width the environment reports (for grep)."""
        if self.quiet:
            return
        console = self.console
        if console.is_terminal:
            console.print(renderable)
            return
        from rich.console import Console
        from rich.measure import Measurement

        width = Measurement.get(console, console.options.update_width(_UNBOUNDED), renderable).maximum
        wide = Console(file=console.file, width=width, highlight=False, color_system=console.color_system)
        wide.print(renderable)

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
