"""The records' copies a pair's instruments share, and the check that no plugin changed one.

Private to :mod:`matchcore.instruments.evaluate`: :class:`_Turn` is what one worker run of a pair's
instruments (:func:`~matchcore.instruments.budget.run_in_turn`) evaluates, one instrument a call.
"""
from __future__ import annotations

import enum
from dataclasses import is_dataclass, replace
from operator import attrgetter
from types import MappingProxyType

from pydantic import BaseModel

from matchcore.errors import InstrumentFailed, MatchcoreError
from matchcore.instruments.base import Instrument
from matchcore.instruments.types import _IMMUTABLE, Context, ReadOnly, read_only

_NAMES = ("candidate", "employer", "function")


class _Records:
    """A pair's records (candidate, employer, function) and the views the plugins get of them.

    By default each view is of a deep copy (:func:`read_only`), so that a plugin that digs under
    its view changes only its copy. With ``given``, the caller hands over the employer and the
    function (read from the store for this one evaluation and used for nothing else): their views
    wrap the records themselves, a change is found against a snapshot of their parts
    (:func:`_skeleton`) and undone (:func:`_restore`). Why: the deep copy of an employer with its
    functions was the largest part of a match query's instruments besides the plugins' own work
    (70 of 290 ms profiled, issue 16); the snapshot is taken anyway for the tamper check.
    """

    def __init__(self, records: tuple, given: bool = False) -> None:
        self.records = records
        self.given: dict[int, tuple] = {}   # position -> the snapshot of a handed-over record
        if given:
            for i in (1, 2):
                skeleton = _skeleton(records[i]) if records[i] is not None else None
                if skeleton is None:   # something _skeleton cannot snapshot: copies, as by default
                    self.given = {}
                    break
                self.given[i] = skeleton

    def views(self) -> dict:
        """The fields of a Context holding fresh views: of new copies, or of the handed-over records."""
        return {name: ReadOnly(r) if i in self.given else read_only(r)
                for i, (name, r) in enumerate(zip(_NAMES, self.records))}

    def is_given(self, obj) -> bool:
        return any(self.records[i] is obj for i in self.given)

    def changed(self, ctx: Context, skeletons: dict | None = None) -> str | None:
        """Which record a plugin changed through ``ctx`` (see :func:`_tampered`), or None."""
        noted = dict(skeletons or {})
        for i, skeleton in self.given.items():
            noted[id(self.records[i])] = (self.records[i], skeleton)
        return _tampered(ctx, self.records, noted)

    def restore(self) -> None:
        """Undo any change to the handed-over records (a no-op when there is none)."""
        for skeleton in self.given.values():
            _restore(skeleton)

    def give_up(self) -> None:
        """A plugin left running past its budget still holds views of the handed-over records: undo
        its changes so far and give copies from now on. What it changes later reaches only those
        records, which the caller no longer uses (the reason it could hand them over)."""
        self.restore()
        self.given = {}


class _Turn:
    """One run of a pair's instruments in a worker: the Context they share, each one's own copy of it."""

    def __init__(self, ctx: Context, records: _Records, evaluator) -> None:
        self.ctx, self.records, self.evaluator = ctx, records, evaluator   # evaluate.evaluate
        self.own: dict[str, Context] = {}
        self.skeletons: dict[int, tuple] = {}
        self._watch()

    def _watch(self) -> None:
        """Note the containers of the copies the next instruments get (see :func:`_skeleton`)."""
        self.skeletons = {}
        for name in _NAMES:
            view = getattr(self.ctx, name)
            copy = getattr(view, "_ReadOnly__target", None)
            if copy is not None and not self.records.is_given(copy):   # those have their own snapshot
                skeleton = _skeleton(copy)
                if skeleton is not None:
                    self.skeletons[id(copy)] = (copy, skeleton)

    def evaluate(self, inst: Instrument, plugin: str):
        """(result or None, the failure or None, the record changed or None) of one instrument.

        Runs in the worker: the check for a changed record and the fresh copies after it happen
        before the next instrument starts, as they did when each instrument had its own thread.
        """
        # its own Context: what one plugin does to it (or keeps doing after its budget) reaches no other
        own = replace(self.ctx, facts=MappingProxyType(dict(self.ctx.facts)),
                      variants=MappingProxyType(dict(self.ctx.variants)))
        self.own[inst.code] = own
        result = failure = None
        try:
            result = self.evaluator(inst, own, plugin)
        except InstrumentFailed as exc:
            failure = exc
        except MatchcoreError:   # the user's unknown variant: ends the run
            raise
        except TimeoutError as exc:  # the plugin's own (a network call): not the budget's
            failure = RuntimeError(f"raised TimeoutError: {exc}")
        except Exception as exc:
            failure = exc
        except BaseException as exc:  # a plugin that exits: its failure, not the command's
            failure = RuntimeError(f"raised {type(exc).__name__}: {exc}")
        changed = self.records.changed(own, self.skeletons)
        if changed or result is None:   # fresh copies (a handed-over record restored): a change reaches no other
            if changed:
                self.records.restore()
            self.ctx = replace(self.ctx, **self.records.views())
            self._watch()
        return result, failure, changed


def _tampered(ctx: Context, records: tuple, skeletons: dict | None = None) -> str | None:
    """Which record's copy a plugin changed anyway (digging under the view), or None.

    A plugin that digs out the copy under its read-only view (its only way to change one)
    changes that copy alone; this check catches it, so the plugin is reported and the next
    instruments get fresh copies. A copy noted in ``skeletons`` (:func:`_skeleton`) is checked
    against its own containers as they were; any other is compared with the record.
    """
    for name, record in zip(_NAMES, records):
        view = getattr(ctx, name)
        copy = getattr(view, "_ReadOnly__target", view)
        noted = skeletons.get(id(copy)) if skeletons else None
        if noted is not None and noted[0] is copy:   # a copy, or a record handed over (_Records)
            if not _unchanged(noted[1]):
                return name
        elif copy is record:
            continue
        elif copy != record:
            return name
    return None


_PLAIN = frozenset(t for t in _IMMUTABLE if t not in (enum.Enum, type))   # exact types (see _skeleton)
_DICT = attrgetter("__dict__")
_PRIVATE = attrgetter("__pydantic_private__")
_EXTRA = attrgetter("__pydantic_extra__")


def _skeleton(root) -> tuple | None:
    """The mutable parts of a record's copy, each with a shallow snapshot.

    Why: comparing a copy with its record (pydantic's ``==``, deep, in Python) after each
    instrument took 17-25 ms of a match query's 160 evaluations, most of it for the employer and
    its functions (issue 16). A plugin can change a copy only by changing one of its mutable parts
    (a record's fields, a list, a dict, a set), so comparing each part with its shallow snapshot
    finds the same changes: the snapshot holds the very same items, so the comparison stops at
    each item's identity instead of descending into it, and an item replaced by another is compared
    with ``==`` as before. The parts are kept side by side in lists (the records' classes, their
    ``__dict__`` and pydantic slots; the containers and their snapshots), so that :func:`_unchanged`
    compares each list at once, in C, instead of part by part in Python (a quarter of the
    instruments' time, profiled). None for a copy holding some other kind of object: it is compared
    with its record instead.
    """
    models, plain, parts, seen, todo = [], [], [], set(), [root]
    while todo:
        obj = todo.pop()
        # the exact type first: most parts are str, int, float, None or dates, and a set lookup
        # is cheaper than isinstance against the tuple (subclasses, such as enums, still fall to it)
        if type(obj) in _PLAIN or isinstance(obj, _IMMUTABLE) or id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, BaseModel):
            models.append(obj)
            for part in (obj.__dict__, obj.__pydantic_private__, obj.__pydantic_extra__):
                if part is not None:
                    todo.append(part)
        elif is_dataclass(obj) and "__dict__" in dir(obj) and not hasattr(type(obj), "__slots__"):
            plain.append(obj)   # a dataclass (the store's Revision): its fields, as a record's
            todo.append(obj.__dict__)
        elif type(obj) in (list, dict, set):
            parts.append(obj)
            todo.extend(obj.values() if type(obj) is dict else obj)
        elif type(obj) in (tuple, frozenset):
            todo.extend(obj)
        else:
            return None
    return (models, list(map(type, models)), list(map(_DICT, models)), list(map(_PRIVATE, models)),
            list(map(_EXTRA, models)), plain, list(map(type, plain)), list(map(_DICT, plain)),
            parts, [part.copy() for part in parts])


def _unchanged(skeleton: tuple) -> bool:
    """Whether every part of the copy is as :func:`_skeleton` noted it. A list compares its items
    by identity first, then with ``==``: a part replaced by an equal one counts as unchanged, and
    one changed later is then found by its own comparison (its container or record differs)."""
    models, kinds, dicts, privates, extras, plain, plain_kinds, plain_dicts, parts, snapshots = skeleton
    return (list(map(type, models)) == kinds and list(map(_DICT, models)) == dicts
            and list(map(_PRIVATE, models)) == privates and list(map(_EXTRA, models)) == extras
            and list(map(type, plain)) == plain_kinds and list(map(_DICT, plain)) == plain_dicts
            and parts == snapshots)


def _restore(skeleton: tuple) -> None:
    """Put every part :func:`_skeleton` noted back as it was: each record's class and slots, then
    each container's items. The snapshot holds the very same items, and every mutable part of the
    record is one of the noted ones, so the record is again what it was, to the identity of its parts."""
    models, kinds, dicts, privates, extras, plain, plain_kinds, plain_dicts, parts, snapshots = skeleton
    for obj, kind, d, private, extra in zip(models, kinds, dicts, privates, extras):
        if type(obj) is not kind:
            object.__setattr__(obj, "__class__", kind)
        for slot, value in (("__dict__", d), ("__pydantic_private__", private), ("__pydantic_extra__", extra)):
            if getattr(obj, slot) is not value:
                object.__setattr__(obj, slot, value)
    for obj, kind, d in zip(plain, plain_kinds, plain_dicts):
        if type(obj) is not kind:
            object.__setattr__(obj, "__class__", kind)
        if obj.__dict__ is not d:
            object.__setattr__(obj, "__dict__", d)
    for part, snapshot in zip(parts, snapshots):
        if part != snapshot:
            if type(part) is list:
                part[:] = snapshot
            else:   # dict or set
                part.clear()
                part.update(snapshot)
