"""The error a person reads when an entry breaks a rule."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule: which field and what is wrong, in plain words."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


class ValidationError(ValueError):
    """An entry breaks one or more rules; nothing was written.

    ``problems`` names each field and rule so a form can show the message
    next to the field and the CLI can print it on one line.
    """

    def __init__(
        self,
        field: str | None = None,
        message: str | None = None,
        *,
        problems: list[Problem] | None = None,
    ) -> None:
        found: list[Problem] = list(problems or [])
        if field is not None and message is not None:
            found.insert(0, Problem(field, message))
        if not found:
            raise TypeError("ValidationError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(found)
        super().__init__("; ".join(p.message for p in self.problems))

    def for_field(self, field: str) -> list[str]:
        return [p.message for p in self.problems if p.field == field]


class ProblemCollector:
    """Gathers every problem of an entry so the person sees them all at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, field: str, message: str) -> None:
        self.problems.append(Problem(field, message))

    def absorb(self, error: ValidationError) -> None:
        self.problems.extend(error.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationError(problems=self.problems)
