"""The records' copies a pair's instruments share, and the check that no plugin changed one.

Private to :mod:`matchcore.instruments.evaluate`: :class:`_Turn` is what one worker run of a pair's
instruments (:func:`~matchcore.instruments.budget.run_in_turn`) evaluates, one instrument a call.
"""
from __future__ import annotations

from dataclasses import is_dataclass, replace
from types import MappingProxyType

from pydantic import BaseModel

from matchcore.errors import InstrumentFailed, MatchcoreError
from matchcore.instruments.base import Instrument
from matchcore.instruments.types import _IMMUTABLE, Context, read_only


class _Turn:
    """One run of a pair's instruments in a worker: the Context they share, each one's own copy of it."""

    def __init__(self, ctx: Context, records: tuple, evaluator) -> None:
        self.ctx, self.records, self.evaluator = ctx, records, evaluator   # evaluate.evaluate
        self.own: dict[str, Context] = {}
        self.skeletons: dict[int, tuple] = {}
        self._watch()

    def _watch(self) -> None:
        """Note the containers of the copies the next instruments get (see :func:`_skeleton`)."""
        self.skeletons = {}
        for name in ("candidate", "employer", "function"):
            view = getattr(self.ctx, name)
            copy = getattr(view, "_ReadOnly__target", None)
            if copy is not None:
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
        changed = _tampered(own, self.records, self.skeletons)
        if changed or result is None:   # fresh copies: a change reaches no other
            self.ctx = replace(self.ctx, **dict(zip(("candidate", "employer", "function"), _views(self.records))))
            self._watch()
        return result, failure, changed


def _views(records: tuple) -> tuple:
    """Read-only views of deep copies of (candidate, employer, function), one copy per pair."""
    return tuple(read_only(r) for r in records)


def _tampered(ctx: Context, records: tuple, skeletons: dict | None = None) -> str | None:
    """Which record's copy a plugin changed anyway (digging under the view), or None.

    A plugin that digs out the copy under its read-only view (its only way to change one)
    changes that copy alone; this check catches it, so the plugin is reported and the next
    instruments get fresh copies. A copy noted in ``skeletons`` (:func:`_skeleton`) is checked
    against its own containers as they were; any other is compared with the record.
    """
    for name, record in zip(("candidate", "employer", "function"), records):
        view = getattr(ctx, name)
        copy = getattr(view, "_ReadOnly__target", view)
        if copy is record:
            continue
        noted = skeletons.get(id(copy)) if skeletons else None
        if noted is not None and noted[0] is copy:
            if not _unchanged(noted[1]):
                return name
        elif copy != record:
            return name
    return None


def _skeleton(root) -> tuple | None:
    """The mutable parts of a record's copy, each with a shallow snapshot: (models, dataclasses, containers).

    Why: comparing a copy with its record (pydantic's ``==``, deep, in Python) after each
    instrument took 17-25 ms of a match query's 160 evaluations, most of it for the employer and
    its functions (issue 16). A plugin can change a copy only by changing one of its mutable parts
    (a record's fields, a list, a dict, a set), so comparing each part with its shallow snapshot
    finds the same changes: the snapshot holds the very same items, so the comparison stops at
    each item's identity instead of descending into it, and an item replaced by another is compared
    with ``==`` as before. None for a copy holding some other kind of object: it is compared with its
    record instead.
    """
    models, plain, containers, seen, todo = [], [], [], set(), [root]
    while todo:
        obj = todo.pop()
        if isinstance(obj, _IMMUTABLE) or id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, BaseModel):
            d, private, extra = obj.__dict__, obj.__pydantic_private__, obj.__pydantic_extra__
            models.append((obj, type(obj), d, private, extra))
            for part in (d, private, extra):
                if part is not None:
                    todo.append(part)
        elif is_dataclass(obj) and "__dict__" in dir(obj) and not hasattr(type(obj), "__slots__"):
            d = obj.__dict__   # a dataclass (the store's Revision): its fields, as a record's
            plain.append((obj, type(obj), d))
            todo.append(d)
        elif type(obj) in (list, dict, set):
            containers.append((obj, obj.copy()))
            todo.extend(obj.values() if type(obj) is dict else obj)
        elif type(obj) in (tuple, frozenset):
            todo.extend(obj)
        else:
            return None
    return models, plain, containers


def _unchanged(skeleton: tuple) -> bool:
    models, plain, containers = skeleton
    for obj, kind, d, private, extra in models:
        if type(obj) is not kind or obj.__dict__ is not d or obj.__pydantic_private__ is not private \
                or obj.__pydantic_extra__ is not extra:
            return False
    for obj, kind, d in plain:
        if type(obj) is not kind or obj.__dict__ is not d:
            return False
    return all(part == snapshot for part, snapshot in containers)
