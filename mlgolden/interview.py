"""The interactive interview, with questionary: pattern first, then only that pattern's questions.

Every answer is checked inline with the same :func:`mlgolden.answers.coerce` used for --set and
--answers; a bad answer is re-asked with the reason. Ctrl-C raises :class:`Interrupted`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlgolden.answers import AnswerError, Resolved, coerce
from mlgolden.errors import Interrupted
from mlgolden.models import Pattern, Scalar

ExtraCheck = Callable[[Scalar], None]


class Interview:
    """Asks questions at a terminal. ``extra_checks`` add checks per question id (e.g. the target)."""

    def __init__(self, **prompt_kwargs: Any) -> None:
        import questionary

        self.q = questionary
        self.kwargs = prompt_kwargs  # input/output for tests driving prompt_toolkit directly
        self.extra_checks: dict[str, ExtraCheck] = {}

    def _ask(self, prompt) -> Any:
        try:
            return prompt.unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted("interrupted; nothing was written") from None

    def choose_pattern(self, patterns: dict[str, Pattern], default: str) -> str:
        width = max(len(name) for name in patterns)
        choices = [
            self.q.Choice(title=f"{name.ljust(width)}  {p.description}", value=name)
            for name, p in patterns.items()
        ]
        return self._ask(self.q.select("Pattern", choices=choices, default=default, **self.kwargs))

    def ask(self, item: Resolved, default: Scalar | None, answers: dict[str, Scalar]) -> Scalar:
        question = item.question
        message = question.prompt
        if question.type == "bool":
            return bool(self._ask(self.q.confirm(message, default=bool(default), **self.kwargs)))
        if question.type == "choice":
            choices = [str(c) for c in item.choices or []]
            start = str(default) if default is not None and str(default) in choices else None
            return self._ask(
                self.q.select(
                    message, choices=choices, default=start, instruction=question.help or None, **self.kwargs
                )
            )

        def validate(text: str) -> bool | str:
            try:
                value = coerce(item, text, answers)
                if item.id in self.extra_checks:
                    self.extra_checks[item.id](value)
            except AnswerError as exc:
                return str(exc)
            return True

        text = self._ask(
            self.q.text(
                message,
                default="" if default is None else str(default),
                validate=validate,
                instruction=question.help or None,
                **self.kwargs,
            )
        )
        return coerce(item, text, answers)

    def confirm(self, summary: list[tuple[str, str]]) -> bool:
        width = max(len(key) for key, _ in summary)
        print("\nSummary")
        for key, value in summary:
            print(f"  {key.ljust(width)}  {value}")
        return bool(self._ask(self.q.confirm("Create the project?", default=True, **self.kwargs)))
