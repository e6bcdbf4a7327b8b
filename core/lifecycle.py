"""One state-machine helper for every lifecycle of the product.

Each module keeps its table of allowed moves in its ``states.py`` and builds one ``Lifecycle`` from it
in its services, saying what a move stamps, records and starts. ``move(obj, to)`` then does the same
thing for a proposal, a vote or a jury: check the table (and the lifecycle's own guard), set the state
and its timestamps, save them, record the change, and run the side effects of entering the new state.
An illegal move is refused with ``IllegalTransition`` (each module's error class is one), its message
naming both states, and nothing changes.

Entering side effects live here, not in one caller: a deliberative poll entering deliberation gets its
room whoever moves it.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext


class IllegalTransition(ValidationError):
    """A move a lifecycle does not allow; the message says which, for the person who tried."""


Hook = Callable[..., None]
_LIFECYCLES: dict[type, "Lifecycle"] = {}


class Lifecycle:
    """The moves of one model's ``field`` and what happens around them.

    ``message``: the refusal, a msgid marked with ``gettext_noop``, formatted with ``from``/``state`` and
    ``to`` (their labels: ``labels(state).label``, or what a callable ``labels`` returns) and whatever
    ``params(obj)`` adds.
    ``guard(obj, to)``: a refusal the table cannot express (a hidden proposal goes back only where it
    was), or None. ``stamps``: {state: field} set to ``now`` on entering it; ``changed_at``: a field set
    on every move. ``fields``: other fields the move always saves. ``apply(obj, from_state, to)``: other
    changes the move makes to the row, saved with it. ``record(obj, from_state, to, *, actor, now,
    **context)``: after the save, where the module keeps its history (a timeline, a room's log).
    ``on_enter``: {state: hook(obj, *, actor, now)}, after the record.
    """

    def __init__(self, model: type, transitions: Mapping[str, Iterable[str]], *, error: type[IllegalTransition],
                 message: str, labels=None, code: str = "illegal_transition", field: str = "state",
                 guard: Callable | None = None, params: Callable | None = None, stamps: Mapping[str, str] = (),
                 changed_at: str | None = None, fields: Iterable[str] = (), apply: Hook | None = None,
                 record: Hook | None = None, on_enter: Mapping[str, Hook] = ()):
        assert issubclass(error, IllegalTransition), error
        self.model, self.transitions, self.error, self.message = model, transitions, error, message
        self.labels, self.code, self.field, self.guard, self.params = labels, code, field, guard, params
        self.stamps, self.changed_at, self.fields = dict(stamps), changed_at, tuple(fields)
        self.apply, self.record, self.on_enter = apply, record, dict(on_enter)
        _LIFECYCLES[model] = self

    def label(self, state: str) -> str:
        if self.labels is None:
            return state
        named = self.labels(state)  # a TextChoices class refuses a state it does not know (ValueError)
        return getattr(named, "label", named)

    def allows(self, obj, to: str) -> bool:
        return to in self.transitions.get(getattr(obj, self.field), ())

    def describe(self, obj, to: str) -> str:
        """The refusal of this move, in the lifecycle's words ("… cannot go from … to …")."""
        from_label = self.label(getattr(obj, self.field))
        return gettext(self.message) % {"from": from_label, "state": from_label, "to": self.label(to),
                                        **(self.params(obj) if self.params else {})}

    def refusal(self, obj, to: str) -> str | None:
        """Why ``obj`` may not go to ``to`` now (the message a person reads); None when it may."""
        if not self.allows(obj, to):
            return self.describe(obj, to)
        return self.guard(obj, to) if self.guard else None

    def check(self, obj, to: str) -> None:
        refusal = self.refusal(obj, to)
        if refusal:
            raise self.error(refusal, code=self.code)

    def move(self, obj, to: str, *, actor=None, now: datetime | None = None, fields: Iterable[str] = (),
             save: bool = True, **context):
        """Apply one move to ``obj`` (which the caller has locked); see the module's docstring."""
        self.check(obj, to)
        now = now or timezone.now()
        from_state = getattr(obj, self.field)
        setattr(obj, self.field, to)
        stamped = [f for f in (self.stamps.get(to), self.changed_at) if f]
        for name in stamped:
            setattr(obj, name, now)
        if self.apply:
            self.apply(obj, from_state, to)
        if save:
            obj.save(update_fields=list(dict.fromkeys([self.field, *stamped, *self.fields, *fields])))
        if self.record:
            self.record(obj, from_state, to, actor=actor, now=now, **context)
        if to in self.on_enter:
            self.on_enter[to](obj, actor=actor, now=now)
        return obj


def lifecycle_of(obj) -> Lifecycle:
    """The lifecycle registered for ``obj``'s model (its services module builds it on import)."""
    for cls in type(obj).__mro__:
        if cls in _LIFECYCLES:
            return _LIFECYCLES[cls]
    raise LookupError(f"no lifecycle for {type(obj).__name__}")


def move(obj, to: str, **kwargs):
    """Move ``obj`` to ``to`` through its model's lifecycle: ``Lifecycle.move``."""
    return lifecycle_of(obj).move(obj, to, **kwargs)
