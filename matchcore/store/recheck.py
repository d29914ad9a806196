"""Re-validate every stored record with today's write-time checks.

Records are read back with the ``STORED`` context (store/db.py), which skips the size, number and
register-number checks added after a database may have been filled, so that an old database stays
readable. This module finds the records those checks would now refuse, so that a team can repair
them (edit, or export -> fix -> import) instead of meeting the refusal on the next save.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from matchcore.errors import RecordProblem
from matchcore.model.parse import parse_record

__all__ = ["RecheckReport", "recheck"]

_TABLES = (("employer", "employers"), ("candidate", "candidates"), ("scan", "scans"))


@dataclass
class RecheckReport:
    """How many records were checked per kind, and every problem found (file = the table)."""
    checked: dict[str, int] = field(default_factory=dict)
    problems: list[RecordProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def recheck(store) -> RecheckReport:
    """Validate each stored document as an import would; nothing is changed."""
    report = RecheckReport()
    with store.read():
        for kind, table in _TABLES:
            rows = store.db.execute(f"select doc from {table} order by id").fetchall()
            report.checked[kind] = len(rows)
            for (doc,) in rows:
                raw = json.loads(doc)
                if isinstance(raw, dict):
                    raw.setdefault("kind", kind)
                _, problems = parse_record(raw, file=f"store:{table}")
                report.problems.extend(problems)
    return report
