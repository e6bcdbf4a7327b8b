"""The question kinds of a deliberative poll and the validation of one answer."""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

LIKERT5 = "likert5"  # 1 (strongly disagree) .. 5 (strongly agree)
LIKERT7 = "likert7"  # 1 .. 7
SCALE10 = "scale10"  # 0 .. 10
CHOICE = "choice"  # one of the question's choices (categorical: no order, no mean)
YESNO = "yesno"  # "yes" or "no"

SCALE_RANGES = {LIKERT5: (1, 5), LIKERT7: (1, 7), SCALE10: (0, 10)}
KINDS = (LIKERT5, LIKERT7, SCALE10, CHOICE, YESNO)
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: str = ""
    choices: tuple[str, ...] = ()  # for CHOICE only, in the order they are shown

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown question kind {self.kind!r} (one of {', '.join(KINDS)})")
        if self.kind == CHOICE and len(self.choices) < 2:
            raise ValueError(f"question {self.id!r}: a single-choice question needs at least two choices")

    @property
    def is_scale(self) -> bool:
        return self.kind in SCALE_RANGES

    def values(self) -> tuple:
        """Every answer this question accepts, in the order tables show them."""
        if self.is_scale:
            low, high = SCALE_RANGES[self.kind]
            return tuple(range(low, high + 1))
        if self.kind == YESNO:
            return (YES, NO)
        return self.choices


@dataclass(frozen=True)
class Participant:
    """One panel member: profile attributes and the answers at T1 and T2 ({question id: value}).

    ``t2`` is None when the participant did not take the T2 survey (attrition); such a participant
    still counts in every T1 figure. A question left unanswered is absent from the mapping.
    """

    id: Hashable
    attributes: dict[str, str] = field(default_factory=dict)
    t1: dict[str, Any] = field(default_factory=dict)
    t2: dict[str, Any] | None = None


def validate_answer(question: Question, value) -> Any:
    """The answer as stored (an int for scales), or ValidationError with a message a person can act on.

    Scales take whole numbers only (a bool is refused: True is not 1 on a Likert scale); a string
    of digits, as a form posts it, is accepted.
    """
    if question.is_scale:
        low, high = SCALE_RANGES[question.kind]
        number = _whole_number(value)
        if number is None or not low <= number <= high:
            raise ValidationError(
                gettext("The answer to “%(question)s” must be a whole number from %(low)d to %(high)d; got %(value)s.")
                % {"question": question.text or question.id, "low": low, "high": high, "value": repr(value)},
                code="out_of_scale",
            )
        return number
    allowed: Sequence = question.values()
    if value not in allowed:
        raise ValidationError(
            gettext("The answer to “%(question)s” must be one of: %(allowed)s; got %(value)s.")
            % {"question": question.text or question.id, "allowed": ", ".join(map(str, allowed)),
               "value": repr(value)},
            code="not_a_choice",
        )
    return value


def validate_participant(questions: Sequence[Question], participant: Participant) -> None:
    """Every answer of a participant checked (T1 and T2); an answer to an unknown question is refused."""
    by_id = {q.id: q for q in questions}
    for answers in (participant.t1, participant.t2 or {}):
        for question_id, value in answers.items():
            if question_id not in by_id:
                raise ValidationError(gettext("There is no question “%(question)s” in this poll.")
                                      % {"question": question_id}, code="unknown_question")
            validate_answer(by_id[question_id], value)


def _whole_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None
