"""Prompts of the Quick Scan entry (private to :mod:`matchcore.cli.carve`).

Each prompt checks the answer as it is typed and asks again on a mistake: numbers in range,
roles of the scan (with a "did you mean"), strains, and competence names against the vocabulary.
Answers may be Dutch (:mod:`matchcore.model.dutch_input`): ``namiddag``, ``op afroep``, ``zwaar,
vuil``, ``ja``/``nee``, ``12,5``, ``zestien``; the task keeps the model's English codes.
"""
from __future__ import annotations

import re
import shlex

import click
from rapidfuzz import fuzz, process

from matchcore.errors import InputNotUnderstood, MatchcoreError, did_you_mean
from matchcore.i18n import _, format_number
from matchcore.model import Task, task_hours_per_week
from matchcore.model.dutch_input import WORDS, parse_choice, parse_choices, parse_number, parse_yes_no

__all__ = ["PER", "STRAINS", "WHEN", "KnownRole", "StrainList", "Word", "Number", "YesNo", "ask_yes_no",
           "changed_fields", "hours_of",
           "next_task_id", "prompt_role", "role_command", "role_from_spec", "task_command",
           "task_fields"]

PER = ("shift", "day", "week", "month", "year")
WHEN = ("continuous", "morning", "afternoon", "evening", "night", "on_call")
STRAINS = ("heavy", "dirty", "isolated", "repetitive", "outdoor", "noisy")


class KnownRole(click.ParamType):
    """A role id of the scan; a typo gets a 'did you mean'."""

    name = "role"

    def __init__(self, roles: list[str]):
        self.roles = roles

    def convert(self, value, param, ctx):
        if value in self.roles:
            return value
        folded = {r.casefold(): r for r in self.roles}
        if str(value).casefold() in folded:
            return folded[str(value).casefold()]
        self.fail(_("{value!r} is not a role of this scan ({roles})").format(
            value=value, roles=", ".join(self.roles))
            + did_you_mean(str(value), self.roles, cutoff=60), param, ctx)


class StrainList(click.ParamType):
    """Strains separated by commas or "en" (zwaar, vuil, ... or heavy, dirty, ...), or empty."""

    name = "strain"

    def convert(self, value, param, ctx):
        if isinstance(value, (list, tuple)):
            return list(value)
        try:
            return parse_choices(str(value or ""), "strain")
        except InputNotUnderstood as exc:
            self.fail(str(exc), param, ctx)


class Word(click.ParamType):
    """One word of a kind of :data:`~matchcore.model.dutch_input.WORDS` (``namiddag`` -> afternoon)."""

    name = "word"

    def __init__(self, kind: str):
        self.kind = kind

    def convert(self, value, param, ctx):
        if value in WORDS[self.kind]:
            return value
        try:
            return parse_choice(str(value), self.kind)
        except InputNotUnderstood as exc:
            self.fail(str(exc), param, ctx)


class Number(click.ParamType):
    """A number from ``lo`` to ``hi`` typed as ``12,5``, ``12.5`` or ``twaalf``."""

    name = "number"

    def __init__(self, lo: float, hi: float, *, whole: bool = False):
        self.lo, self.hi, self.whole = lo, hi, whole

    def convert(self, value, param, ctx):
        try:
            number = parse_number(value)
        except InputNotUnderstood as exc:
            self.fail(str(exc), param, ctx)
        if not self.lo <= number <= self.hi or (self.whole and number != int(number)):
            text = (_("must be a whole number from {lo} to {hi}") if self.whole
                    else _("must be a number from {lo} to {hi}"))
            self.fail(text.format(lo=format_number(self.lo), hi=format_number(self.hi)), param, ctx)
        return int(number) if self.whole else number


class YesNo(click.ParamType):
    """``ja``/``nee`` (or yes/no, j/n)."""

    name = "ja/nee"

    def convert(self, value, param, ctx):
        try:
            return parse_yes_no(value)
        except InputNotUnderstood as exc:
            self.fail(str(exc), param, ctx)


def ask_yes_no(text: str, default: bool = False) -> bool:
    """click.confirm that takes ja/nee: ``Safety-critical? [j/N]``."""
    hint = (_("[Y/n]") if default else _("[y/N]"))
    return click.prompt(f"{text} {hint}", default=default, type=YesNo(), show_default=False)


def _known_competences(scan) -> list[str]:
    """Vocabulary labels (when the starter vocabulary exists) and the scan's own competences."""
    # start-up: the carving engine (numpy, networkx) loads only when competences are asked
    from matchcore.carving.texts import vocabulary

    names = {c.casefold(): c for t in scan.tasks for c in t.competences}
    for label in vocabulary()[0]:
        names.setdefault(label.casefold(), label)
    return sorted(names.values(), key=str.casefold)


def _suggest(name: str, known: list[str], limit: int = 3) -> list[str]:
    return [hit[0] for hit in process.extract(name, known, scorer=fuzz.WRatio, limit=limit,
                                              score_cutoff=70)]


def _ask_competence(name: str, known: list[str]) -> str:
    """Known name as spelt in the vocabulary; else offer the nearest ones; else keep as typed."""
    folded = {k.casefold(): k for k in known}
    if name.casefold() in folded:
        return folded[name.casefold()]
    hits = _suggest(name, known)
    if not hits:
        click.echo("  " + _("new competence {name!r} (not in the vocabulary or this scan)").format(name=name))
        return name
    click.echo("  " + _("not known; did you mean:") + " "
               + "  ".join(f"{i}) {h}" for i, h in enumerate(hits, 1)))
    pick = click.prompt("  " + _("number to pick, Enter to keep {name!r}").format(name=name),
                        default="", show_default=False,
                        type=click.Choice(["", *map(str, range(1, len(hits) + 1))]), show_choices=False)
    return hits[int(pick) - 1] if pick else name


def _prompt_competences(known: list[str], current: list[str] | None = None) -> list[str]:
    if current:
        click.echo(_("Competences now: {names}").format(names="; ".join(current)))
        if ask_yes_no(_("Keep them?"), default=True):
            return list(current)
    found: list[str] = []
    if known:
        click.echo(_("Competences one per line (Enter on an empty line to finish); "
                     "names are checked against the vocabulary."))
    while True:
        name = click.prompt(_("Competence {n}").format(n=len(found) + 1), default="",
                            show_default=False).strip()
        if not name:
            return found
        chosen = _ask_competence(name, known)
        if chosen.casefold() not in {f.casefold() for f in found}:
            found.append(chosen)


def hours_of(doc: dict, shifts_per_day: int) -> float:
    return task_hours_per_week(Task.model_validate(doc), shifts_per_day)


def next_task_id(scan) -> str:
    numbers = [int(m.group(1)) for t in scan.tasks if (m := re.fullmatch(r"t(\d+)", t.id))]
    return f"t{(max(numbers) + 1 if numbers else 1):02d}"


def role_from_spec(spec: str) -> dict:
    parts = spec.split(":")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise click.BadParameter(_("--role {spec!r}: write ID:TITLE[:COST[:HEADCOUNT]], "
                                   "e.g. dokwerker:Dokwerker:42:60").format(spec=spec))
    role = {"id": parts[0], "title": parts[1]}
    try:
        if len(parts) > 2 and parts[2]:
            role["hourly_cost_eur"] = parse_number(parts[2])
        if len(parts) > 3 and parts[3]:
            role["headcount"] = int(parts[3])
    except (ValueError, InputNotUnderstood):
        raise click.BadParameter(_("--role {spec!r}: cost and headcount must be numbers")
                                 .format(spec=spec)) from None
    return role


def prompt_role(taken: set[str]) -> dict | None:
    def new_id(value):
        value = value.strip()
        if value and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}", value):
            raise click.BadParameter(_("use letters, digits, '.', '_' or '-', e.g. dokwerker"))
        if value in taken:
            raise click.BadParameter(_("role {id!r} exists already").format(id=value))
        return value

    role_id = click.prompt(_("Role id"), default="", show_default=False, value_proc=new_id)
    if not role_id:
        return None
    role = {"id": role_id, "title": click.prompt("  " + _("title"), default=role_id.capitalize())}
    cost = click.prompt("  " + _("hourly cost EUR (Enter if unknown)"), default="", show_default=False,
                        value_proc=_optional_number(0, 500))
    if cost is not None:
        role["hourly_cost_eur"] = cost
    headcount = click.prompt("  " + _("headcount (Enter if unknown)"), default="", show_default=False,
                             value_proc=_optional_number(0, 100_000, whole=True))
    if headcount is not None:
        role["headcount"] = headcount
    return role


def _optional_number(lo: float, hi: float, *, whole: bool = False):
    def convert(value):
        if value in ("", None):
            return None
        return Number(lo, hi, whole=whole).convert(value, None, None)
    return convert


def _volume(opts: dict, current: dict | None, interactive: bool) -> dict:
    """The volume fields: from the options, else asked (frequency x minutes, or hours a week).

    Returns {} to keep the current volume (editing, no volume option given)."""
    cur = current or {}
    freq = cur.get("frequency") or {}
    keys = ("times", "per", "minutes", "days_per_week")
    if opts.get("hours_per_week") is not None:
        if any(opts.get(k) is not None for k in keys):
            raise click.UsageError(_("give --hours-per-week or --times/--per/--minutes, not both"))
        return {"hours_per_week": opts["hours_per_week"]}
    if any(opts.get(k) is not None for k in keys):
        out = {"frequency": {"times": _first(opts.get("times"), freq.get("times")),
                             "per": _first(opts.get("per"), freq.get("per"))},
               "minutes": _first(opts.get("minutes"), cur.get("minutes"))}
        missing = [f"--{k}" for k, v in (("times", out["frequency"]["times"]),
                                         ("per", out["frequency"]["per"]),
                                         ("minutes", out["minutes"])) if v is None]
        if missing:
            raise click.UsageError(_("--times, --per and --minutes go together; missing {options}")
                                   .format(options=", ".join(missing)))
        days = _first(opts.get("days_per_week"), cur.get("days_per_week"))
        if days is not None:
            out["days_per_week"] = days
        return out
    if not interactive:
        if current is None:
            raise click.UsageError(_("give the volume: --hours-per-week, or --times, --per and --minutes"))
        return {}
    # "u" is the Dutch letter for hours (uren), "h" the English one: both are taken
    mode = click.prompt(_("Volume as (f)requency x minutes or (h)ours a week"),
                        default="h" if cur.get("hours_per_week") is not None else "f",
                        type=click.Choice(["f", "h", "u"]), show_choices=False)
    if mode in ("h", "u"):
        return {"hours_per_week": click.prompt("  " + _("hours a week"), type=Number(0.01, 10_000),
                                               default=cur.get("hours_per_week"))}
    times = click.prompt("  " + _("how many times"), type=Number(0.01, 10_000), default=freq.get("times"))
    per = click.prompt("  " + _("per (shift, day, week, month, year)"), type=Word("per"),
                       default=freq.get("per", "day"))
    minutes = click.prompt("  " + _("minutes each time"), type=Number(0.1, 1440), default=cur.get("minutes"))
    out = {"frequency": {"times": times, "per": per}, "minutes": minutes}
    if per in ("shift", "day"):
        out["days_per_week"] = click.prompt("  " + _("days a week"), type=Number(0.1, 7),
                                            default=cur.get("days_per_week", 5.0))
    return out


def _first(*values):
    return next((v for v in values if v is not None), None)


def task_fields(opts: dict, scan, current: dict | None, interactive: bool) -> dict:
    """A task document from the options, asking (with the current values as defaults) when interactive."""
    cur = current or {}
    roles = [r.id for r in scan.roles]
    if not roles:
        raise MatchcoreError(_("scan {id} has no roles yet; add one with "
                               "'matchcore scan add-role {id}'").format(id=scan.id))
    doc = {k: v for k, v in cur.items() if k not in ("frequency", "minutes", "hours_per_week", "days_per_week")}

    def field(name, prompt_text, default=None, **kw):
        if opts.get(name) is not None:
            doc[name] = opts[name]
        elif interactive:
            doc[name] = click.prompt(prompt_text, default=cur.get(name, default), **kw)
        elif name not in doc and default is not None:
            doc[name] = default

    if current is None:
        doc["id"] = opts.get("task_id") or next_task_id(scan)
    field("description", _("Description"))
    if opts.get("role") is not None:
        doc["role"] = KnownRole(roles).convert(opts["role"], None, None)
    elif interactive or "role" not in doc:
        doc["role"] = click.prompt(_("Role ({roles})").format(roles=", ".join(roles)), type=KnownRole(roles),
                                   default=cur.get("role", roles[0] if len(roles) == 1 else None))
    volume = _volume(opts, current, interactive)
    if volume:
        doc.update(volume)
    else:
        doc.update({k: cur[k] for k in ("frequency", "minutes", "hours_per_week", "days_per_week") if k in cur})
    if interactive and "hours_per_week" not in volume:
        click.echo("  = " + _("{hours} h/week").format(hours=format_number(hours_of(doc, scan.shifts_per_day), 2)))
    field("complexity", _("Complexity 1 (simple routine) .. 5 (expert judgement)"), 1,
          type=Number(1, 5, whole=True))
    for name, text in (("core", _("Core work of this role (never carved)?")),
                       ("safety_critical", _("Safety-critical?"))):
        if opts.get(name) is not None:
            doc[name] = opts[name]
        elif interactive:
            doc[name] = ask_yes_no(text, default=cur.get(name, False))
    if opts.get("competences"):
        known = _known_competences(scan)
        doc["competences"] = [_canonical(c, known) for c in opts["competences"]]
    elif interactive:
        doc["competences"] = _prompt_competences(_known_competences(scan), cur.get("competences"))
    zones = sorted({t.zone for t in scan.tasks if t.zone})
    if opts.get("zone") is not None:
        doc["zone"] = opts["zone"]
    elif interactive:
        hint = f" ({', '.join(zones)})" if zones else ""
        doc["zone"] = click.prompt(_("Zone") + hint, default=cur.get("zone", ""), show_default=bool(cur.get("zone")))
    field("when", _("When (continuous, morning, afternoon, evening, night, on call)"), "continuous",
          type=Word("when"))
    if opts.get("strains"):
        doc["strain"] = list(opts["strains"])
    elif interactive:
        doc["strain"] = click.prompt(_("Strain, comma-separated (heavy, dirty, isolated, repetitive, outdoor, "
                                       "noisy)"),
                                     default=",".join(cur.get("strain", [])), show_default=False,
                                     type=StrainList())
    if opts.get("notes") is not None:
        doc["notes"] = opts["notes"]
    elif interactive:
        doc["notes"] = click.prompt(_("Notes"), default=cur.get("notes", ""), show_default=False)
    return {k: v for k, v in doc.items() if v not in ("", None, [])}


def _canonical(name: str, known: list[str]) -> str:
    """Non-interactive: take the vocabulary's spelling when the name matches it exactly."""
    folded = {k.casefold(): k for k in known}
    return folded.get(name.casefold(), name)




def changed_fields(old: dict, new: dict) -> list[str]:
    """The task fields an edit changed, defaults filled in on both sides (what is saved)."""
    def full(doc):
        try:
            return Task.model_validate(doc).model_dump(mode="json")
        except ValueError:
            return doc
    a, b = full(old), full(new)
    return sorted(k for k in set(a) | set(b) if k != "id" and a.get(k) != b.get(k))


_VOLUME = ("frequency", "minutes", "days_per_week", "hours_per_week")


def task_command(command: str, scan_id: str, task: dict, fields: list[str] | None = None,
                 task_id: str | None = None) -> str:
    """The ``matchcore scan add-task|edit-task`` line that enters ``task`` again (only
    ``fields`` for an edit), so that what was typed is not lost when a save is refused."""
    names = list(fields) if fields is not None else list(task)
    if any(f in _VOLUME for f in names):  # the volume options go together
        names += [f for f in _VOLUME if f in task and f not in names]
    args = ["matchcore", "scan", command, scan_id] + ([task_id] if task_id else [])
    if command == "add-task" and task.get("id") and fields is None:
        args += ["--id", task["id"]]
    for name in names:
        value = task.get(name)
        if name == "frequency" and value:
            args += ["--times", f"{value['times']:g}", "--per", value["per"]]
        elif name in ("competences", "strain"):
            option = "--competence" if name == "competences" else "--strain"
            for item in value or []:
                args += [option, item]
        elif name in ("core", "safety_critical"):
            args.append(("--" if value else "--no-") + name.replace("_", "-"))
        elif name != "id" and name in _OPTION_FIELDS:
            args += ["--" + name.replace("_", "-"),
                     "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))]
    return " ".join(shlex.quote(a) for a in args)


_OPTION_FIELDS = ("description", "role", "minutes", "days_per_week", "hours_per_week",
                  "complexity", "zone", "when", "notes")


def role_command(scan_id: str, role: dict) -> str:
    spec = ":".join(str(role.get(k, "")) for k in ("id", "title", "hourly_cost_eur", "headcount"))
    return " ".join(shlex.quote(a) for a in ("matchcore", "scan", "add-role", scan_id,
                                            "--role", spec.rstrip(":")))
