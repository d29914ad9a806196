"""YAML files as matchcore reads them: safe loading that refuses a key written twice and a date
that does not exist, with errors naming the file and line. Used by the data import
(:mod:`matchcore.store.io`) and the rule parameter files (:mod:`matchcore.instruments.params`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from matchcore.errors import RecordProblem, ValidationFailed

__all__ = ["UniqueKeyLoader", "load_yaml"]


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one mapping (a silent overwrite)
    and a date that does not exist (2024-13-01), instead of failing with a traceback."""


def _construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


def _construct_timestamp(loader: UniqueKeyLoader, node: yaml.ScalarNode):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:  # 2024-13-01 or 2023-02-30 look like dates but are none
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a valid date ({exc}); write dates as YYYY-MM-DD",
            node.start_mark) from None


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(path: Path) -> Any:
    """Load a YAML file, refusing duplicate keys; raise ValidationFailed naming file and line."""
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValidationFailed([RecordProblem(str(path), where, None, f"not valid YAML: {problem}")]) from None
    except UnicodeDecodeError:
        raise ValidationFailed([RecordProblem(str(path), None, None, "is not UTF-8 text")]) from None
