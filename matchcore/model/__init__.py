"""The records matchcore keeps: employers with functions, candidates and Quick Scans.

The shapes follow ``docs/formats.md`` (the data contract): unknown keys are an error except under
``extra:``. One module per record (:mod:`~matchcore.model.employer`,
:mod:`~matchcore.model.candidate`, :mod:`~matchcore.model.scan`) on the shared types of
:mod:`~matchcore.model.common`; :mod:`~matchcore.model.parse` turns raw mappings into records or
into messages that name the file, the record and the field, e.g.::

    profiles/horeca/kaai.yaml: employer brasserie-de-kaai, function afwasser: hours_per_week
    must be a number between 1 and 50, got 'twintig'

Import the names from here: ``from matchcore.model import Candidate``.
"""
from matchcore.model.candidate import HOURS_TOLERANCE, Candidate, CandidateCompetence, Employment, Limits
from matchcore.model.common import (
    ALLERGENS,
    CEFR_LEVELS,
    DAY_PARTS,
    DAYS,
    EMPLOYER_CATEGORIES,
    SHIFTS,
    TRANSPORTS,
    WORKER_TYPES,
    Contact,
    HoursRange,
    Location,
    show,
    window_minutes,
)
from matchcore.model.employer import Conditions, Employer, Function, FunctionCompetence
from matchcore.model.parse import RECORD_KINDS, Record, parse_record, record_label, to_document
from matchcore.model.scan import PER, STRAINS, WHEN, Frequency, Role, Scan, Task, task_hours_per_week

__all__ = [
    "SHIFTS",
    "DAY_PARTS",
    "DAYS",
    "ALLERGENS",
    "HOURS_TOLERANCE",
    "HoursRange",
    "window_minutes",
    "TRANSPORTS",
    "CEFR_LEVELS",
    "WORKER_TYPES",
    "EMPLOYER_CATEGORIES",
    "WHEN",
    "PER",
    "STRAINS",
    "Location",
    "Contact",
    "FunctionCompetence",
    "Conditions",
    "Function",
    "Employer",
    "CandidateCompetence",
    "Employment",
    "Limits",
    "Candidate",
    "Frequency",
    "Role",
    "Task",
    "Scan",
    "Record",
    "RECORD_KINDS",
    "parse_record",
    "record_label",
    "show",
    "task_hours_per_week",
    "to_document",
]
