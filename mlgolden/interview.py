"""The interactive interview, with questionary: pattern first, then only that pattern's questions,
then a review screen where any answer can be edited before anything is written.

Every answer is checked with the same :func:`mlgolden.answers.coerce` used for --set and
--answers; a refused answer is printed with its reason, wrapped to the terminal, and asked again
with the text the user typed. Help texts and limits are printed above each prompt, wrapped too
(prompt_toolkit's own toolbars are one line and cut at the terminal edge). Ctrl-C at any prompt
raises :class:`Interrupted` before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlgolden.answers import AnswerError, Resolved, coerce, display_value, limits, revise
from mlgolden.errors import Interrupted
from mlgolden.models import Pattern, Scalar

ExtraCheck = Callable[[Scalar], None]
Context = Callable[[dict[str, Scalar]], list[tuple[str, str]]]

CREATE, EDIT, CANCEL = "create", "edit", "cancel"
BACK = "\0back"  # the value of "back to the summary" in the list of answers


class Interview:
    """Asks questions at a terminal. ``extra_checks`` add checks per question id (e.g. the target)."""

    def __init__(self, **prompt_kwargs: Any) -> None:
        import questionary
        from rich.console import Console

        self.q = questionary
        self.kwargs = prompt_kwargs  # input/output for tests driving prompt_toolkit directly
        self.console = Console(highlight=False)  # wraps at the terminal's width
        self.extra_checks: dict[str, ExtraCheck] = {}

    def _ask(self, prompt) -> Any:
        try:
            answer = prompt.unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted("interrupted; nothing was written") from None
        if answer is None:  # questionary's own Ctrl-C handling returns None
            raise Interrupted("interrupted; nothing was written")
        return answer

    def _say(self, text: str, style: str = "") -> None:
        self.console.print(text, markup=False, style=style or None)

    def choose_pattern(self, patterns: dict[str, Pattern], default: str) -> str:
        """The pattern list with its descriptions, wrapped; then a short menu of names."""
        from rich.table import Table

        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column()
        for name, p in patterns.items():
            table.add_row(name, p.description)
        self._say("Patterns", "bold")
        self.console.print(table)
        choices = [self.q.Choice(title=f"{name} ({p.title})", value=name) for name, p in patterns.items()]
        return self._ask(self.q.select("Pattern", choices=choices, default=default, **self.kwargs))

    def ask(self, item: Resolved, default: Scalar | None, answers: dict[str, Scalar]) -> Scalar:
        question = item.question
        note = " ".join(part for part in (question.help, limits(item)) if part)
        if note:
            self._say(note, "dim")
        if question.type == "bool":
            return bool(self._ask(self.q.confirm(question.prompt, default=bool(default), **self.kwargs)))
        if question.type == "choice":
            choices = [str(c) for c in item.choices or []]
            start = str(default) if default is not None and str(default) in choices else None
            return self._ask(self.q.select(question.prompt, choices=choices, default=start, **self.kwargs))
        text = "" if default is None else str(default)
        while True:
            text = self._ask(self.q.text(question.prompt, default=text, **self.kwargs))
            try:
                value = coerce(item, text, answers)
                if item.id in self.extra_checks:
                    self.extra_checks[item.id](value)
                return value
            except AnswerError as exc:
                self._say(f"✗ {exc}", "red")

    def review(
        self, questions: list[Resolved], answers: dict[str, Scalar], context: Context
    ) -> dict[str, Scalar]:
        """The review screen: create, edit an answer (then back here), or cancel.

        After an edit the conditional questions are evaluated again: those that now apply are
        asked, those that no longer apply are dropped, answers an edit made invalid are asked
        again. ``context(answers)`` gives the extra rows (pattern, catalog, directory).
        """
        while True:
            self._summary(questions, answers, context(answers))
            action = self._ask(
                self.q.select(
                    "Create the project?",
                    choices=[
                        self.q.Choice("Create the project", value=CREATE),
                        self.q.Choice("Edit an answer", value=EDIT),
                        self.q.Choice("Cancel (nothing is written)", value=CANCEL),
                    ],
                    default=CREATE,
                    **self.kwargs,
                )
            )
            if action == CREATE:
                return answers
            if action == CANCEL:
                raise Interrupted("cancelled; nothing was written")
            answers = self._edit(questions, answers)

    def _edit(self, questions: list[Resolved], answers: dict[str, Scalar]) -> dict[str, Scalar]:
        asked = [item for item in questions if item.id in answers]
        choices = [
            self.q.Choice(f"{item.label}: {display_value(answers[item.id])}", value=item.id) for item in asked
        ]
        choices.append(self.q.Choice("Back to the summary", value=BACK))
        chosen = self._ask(self.q.select("Edit which answer?", choices=choices, **self.kwargs))
        if chosen == BACK:
            return answers
        item = next(item for item in asked if item.id == chosen)
        others = {k: v for k, v in answers.items() if k != chosen}
        edited = {**answers, chosen: self.ask(item, answers[chosen], others)}
        return revise(questions, edited, self._ask_again)

    def _ask_again(self, item: Resolved, previous: Scalar | None, reason: str | None, answers):
        if reason:
            self._say(f"✗ {reason}", "red")
        return self.ask(item, previous if previous is not None else item.default, answers)

    def _summary(self, questions: list[Resolved], answers: dict[str, Scalar], extra) -> None:
        from rich.table import Table

        table = Table(show_header=False, box=None, padding=(0, 1, 0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for item in questions:
            if item.id in answers:
                shown = "(hidden)" if item.question.secret else display_value(answers[item.id])
                table.add_row(item.label, shown)
        for label, value in extra:
            table.add_row(label, value)
        self._say("")
        self._say("Summary", "bold")
        self.console.print(table)
