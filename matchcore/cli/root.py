"""The ``matchcore`` command line.

Commands mirror the Python API. Heavy libraries (scikit-learn, networkx, pydantic models of
plugins) are imported only by the commands that need them, so ``matchcore --help`` is quick.
"""
from __future__ import annotations

import atexit
import dataclasses
import importlib
import importlib.util
import json
import os
import sqlite3
import sys
from pathlib import Path

import click

from matchcore._config_path import config_path
from matchcore.cli.click_texts import install as _install_click_texts
from matchcore.cli.click_texts import translate_command
from matchcore.errors import MatchcoreError
from matchcore.i18n import LANGUAGES, N_, _, format_number, ngettext, use_language

# Subcommands living in other modules, loaded on first use: name -> "module:attribute".
LAZY_COMMANDS = {
    "match": "matchcore.cli.match:match",
    "assign": "matchcore.cli.match:assign",
    "vocab": "matchcore.cli.vocab:vocab",
    "instruments": "matchcore.cli.instruments:instruments",
    "scan": "matchcore.cli.scan:scan",
    "carve": "matchcore.cli.carve:carve",
    "advice": "matchcore.cli.carve:advice",
    "serve": "matchcore.cli.web:serve",
    "user": "matchcore.cli.web:user",
    "delete": "matchcore.cli.delete:delete",
    "traject": "matchcore.cli.traject:traject",
    "agenda": "matchcore.cli.agenda:agenda",
    "check": "matchcore.cli.check:check",
    "config": "matchcore.cli.config:config",
}


def _language_from(args: list[str]) -> str | None:
    """The language asked for on the command line (``--lang en``/``--lang=en``), else by
    MATCHCORE_LANG, else in the settings file; None for Dutch. Read before click parses, because
    ``--help`` is shown while parsing, in the language the help must already have."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("MATCHCORE_LANG") or _configured_language()


def _configured_language() -> str | None:
    if not config_path().is_file():
        return None
    # start-up: pydantic only when the coach has a settings file
    from matchcore.settings import load_settings

    try:
        return load_settings().lang
    except MatchcoreError:  # reported by `matchcore config show`; the language falls back to Dutch
        return None


class LazyGroup(click.Group):
    """A group whose listed subcommands are imported only when invoked (click's documented
    lazy-loading pattern), and which turns MatchcoreError into one clean line and exit 1.

    Its help, and that of every subcommand, is shown in the language of ``--lang``,
    MATCHCORE_LANG or the settings (Dutch by default), see :mod:`matchcore.cli.click_texts`."""

    def main(self, args=None, *pargs, **kwargs):
        _install_click_texts()
        argv = list(sys.argv[1:] if args is None else args)
        with use_language(_language_from(argv)):
            translate_command(self)
            return super().main(args, *pargs, **kwargs)

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx, name):
        if name in LAZY_COMMANDS:
            module, attr = LAZY_COMMANDS[name].split(":")
            return translate_command(getattr(importlib.import_module(module), attr))
        command = super().get_command(ctx, name)
        return translate_command(command) if command is not None else None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MatchcoreError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            for line in str(exc).splitlines():
                click.echo(_("error: {message}").format(message=line), err=True)
            ctx.exit(1)
        except sqlite3.Error as exc:  # a damaged file or disk seen mid-command: one line too
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(_("error: {message}").format(message=_sqlite_line(ctx, exc)), err=True)
            ctx.exit(1)


def _sqlite_line(ctx, exc: sqlite3.Error) -> str:
    # start-up: the store package (sqlite-utils) only when a database error happened
    from matchcore.store.connection import describe

    path = (ctx.obj or {}).get("db") or "the database"
    return describe(str(path), exc)


# The commands that create the database when it is missing (``demo`` makes its own); every
# other one refuses ("no database at X; run `matchcore init` ..."), so that a mistyped --db never
# becomes a new empty store, nor an empty export that looks like a backup.
CREATING = {("init",), ("import",), ("user", "add")}


def _command_path(ctx: click.Context) -> tuple[str, ...]:
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return tuple(reversed(names))


def get_store(ctx: click.Context, *, create: bool | None = None):
    """The store named by --db / MATCHCORE_DB, opened once per command; created when missing
    only if ``create`` says so, by default for the commands in :data:`CREATING`."""
    # start-up: sqlite-utils costs 0.15 s, which `matchcore --help` must not pay
    from matchcore.store import Store

    root = ctx.find_root()
    if create is None:
        create = _command_path(ctx) in CREATING
    if root.obj.get("store") is None:
        root.obj["store"] = Store.open(root.obj.get("db"), create=create)
        root.call_on_close(root.obj["store"].close)
    return root.obj["store"]


def _jsonable(value):
    """``json.dumps`` fallback: an engine's result dataclass becomes an object with its fields in
    declaration order (fields with ``metadata={"json": False}`` are left out), a date its ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)
                if f.metadata.get("json", True)}
    return str(value)


def emit_json(data) -> None:
    """Print ``data`` (plain values or engine result dataclasses) as the ``--json`` output."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_jsonable))


# Column headers of the listings, by their (English, JSON) key; a key not here is shown as is.
HEADERS = {
    "id": N_("id"), "name": N_("name"), "title": N_("title"), "sector": N_("sector"),
    "municipality": N_("municipality"), "max_commute_km": N_("max km"),
    "hours_per_week": N_("hours/week"), "dutch_level": N_("Dutch"), "competences": N_("competences"),
    "joint_committee": N_("joint committee"), "functions": N_("functions"), "openings": N_("openings"),
    "visible": N_("visible"), "hourly_wage_eur": N_("gross EUR/hour"), "employer": N_("employer"),
    "date": N_("date"), "tasks": N_("tasks"), "role": N_("role"), "headcount": N_("headcount"),
    "hourly_cost_eur": N_("EUR/hour"), "task_hours": N_("task hours"), "task": N_("task"),
    "description": N_("description"), "volume": N_("volume"), "h/week": N_("h/week"),
    "cx": N_("cx"), "flags": N_("flags"), "zone": N_("zone"), "when": N_("when"),
    "created_at": N_("created"), "last_login_at": N_("last login"),
    "code": N_("code"), "eligible": N_("eligible"), "feasibility": N_("feasibility"),
    "net EUR/month": N_("net EUR/month"), "EUR/month": N_("EUR/month"), "EUR total": N_("EUR total"),
    "variant": N_("variant"), "why": N_("why"), "parameter": N_("parameter"), "from": N_("from"),
    "value": N_("value"), "unit": N_("unit"), "ref": N_("ref"), "verified": N_("verified"),
    "status": N_("status"), "valid_from": N_("valid from"), "valid_until": N_("valid until"),
    "plugin": N_("plugin"), "employers": N_("employers"), "candidates": N_("candidates"),
    "scans": N_("scans"),
    "candidate": N_("candidate"), "function": N_("function"), "score": N_("score"),
}


def counted(counts: dict[str, int]) -> str:
    """``{"employer": 2, "scan": 1}`` -> "2 werkgevers, 1 scan" (in the language in use)."""
    return ", ".join(_count(kind, n) for kind, n in counts.items())


def _count(kind: str, n: int) -> str:
    forms = {
        "employer": ngettext("{n} employer", "{n} employers", n),
        "candidate": ngettext("{n} candidate", "{n} candidates", n),
        "scan": ngettext("{n} scan", "{n} scans", n),
        "function": ngettext("{n} function", "{n} functions", n),
        "trajectory": ngettext("{n} trajectory", "{n} trajectories", n),
    }
    return forms.get(kind, f"{{n}} {kind}(s)").format(n=n)


def _cell(value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return format_number(value)
    return value


def table(rows: list[dict], columns: list[str]) -> None:
    """Rows as a plain-text table: headers and yes/no in the current language, numbers with a
    decimal comma in Dutch (``--json`` keeps the raw values)."""
    if not rows:
        click.echo(_("(none)"))
        return
    from tabulate import tabulate  # start-up: tabulate imports importlib.metadata, 0.03-0.08 s

    headers = [_(HEADERS[c]) if c in HEADERS else c for c in columns]
    click.echo(tabulate([[_cell(r.get(c)) for c in columns] for r in rows], headers=headers,
                        disable_numparse=True))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="MATCHCORE_DB", type=click.Path(dir_okay=False),
              help="SQLite file of the store [env MATCHCORE_DB; default ./matchcore.db].")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("--lang", type=click.Choice(LANGUAGES, case_sensitive=False), envvar="MATCHCORE_LANG",
              help="Language of texts: nl (Dutch, the default) or en [env MATCHCORE_LANG; "
                   "else `matchcore config set lang`].")
@click.version_option(package_name="matchcore")
@click.pass_context
def main(ctx, db, debug, lang):
    """matchcore: job matching and job carving for job coaches in Flanders.

    \b
    Example:
        matchcore import profiles/ scans/
        matchcore match candidate K-0042 --top 5
    """
    ctx.ensure_object(dict)
    ctx.obj.update(db=db, debug=debug, lang=lang)
    # files this command creates (the database and its -wal/-shm, exports, advice documents)
    # hold personal data: owner-readable only; restored after, for callers in the same process
    old_umask = os.umask(0o077)
    ctx.call_on_close(lambda: os.umask(old_umask))


@main.command()
@click.pass_context
def init(ctx):
    """Create the database (or bring an old one up to date).

    \b
    Example:
        matchcore --db team.db init
    """
    store = get_store(ctx)
    click.echo(_("{path}: schema version {version}").format(path=store.path, version=store.schema_version))


@main.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_context
def import_(ctx, paths, as_json):
    """Import YAML, JSON or CSV files, or folders of them (recursively).

    Records are upserted by id. Every record is checked first: one bad record anywhere and
    nothing is written (exit status 1, one line per problem).

    \b
    Example:
        matchcore import profiles/ scans/haven-2025-03.yaml
    """
    from matchcore.store.io import import_paths  # start-up

    counts = import_paths(get_store(ctx), paths)
    if as_json:
        emit_json(counts)
    else:
        click.echo(_("imported {counts}").format(counts=counted(dict(sorted(counts.items())))) if counts
                   else _("imported nothing"))


@main.command()
@click.argument("directory", type=click.Path())
@click.pass_context
def export(ctx, directory):
    """Write every record back as YAML files under DIRECTORY.

    \b
    Example:
        matchcore export backup/ && matchcore --db copy.db import backup/
    """
    from matchcore.store.io import export_store  # start-up

    counts = export_store(get_store(ctx), directory)
    click.echo(_("exported to {directory}: {counts}").format(directory=directory, counts=counted(counts)))


LIST_KINDS = ("candidates", "employers", "functions", "scans")


@main.command(name="list")
@click.argument("kind", type=click.Choice(LIST_KINDS))
@click.option("--sector", help="Only employers or functions of this sector.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def list_(ctx, kind, sector, as_json):
    """List candidates, employers, functions or scans.

    \b
    Example:
        matchcore list functions --sector horeca
    """
    rows = get_store(ctx).summaries(kind)
    if sector and rows and "sector" in rows[0]:
        rows = [r for r in rows if (r["sector"] or "").casefold() == sector.casefold()]
    if as_json:
        emit_json(rows)
    else:
        table(rows, list(rows[0]) if rows else [])


@main.command()
@click.argument("kind", type=click.Choice(["candidate", "employer", "function", "scan"]))
@click.argument("record_id")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def show(ctx, kind, record_id, as_json):
    """Show one record as stored (YAML, or JSON with --json).

    \b
    Example:
        matchcore show function brasserie-de-kaai/afwasser
    """
    import yaml  # start-up

    from matchcore.model import to_document  # start-up

    store = get_store(ctx)
    if kind == "function":
        emp, fn = store.function(record_id)
        doc = {"id": f"{emp.id}/{fn.id}", "employer": emp.id, "employer_name": emp.name,
               "sector": emp.sector, **to_document(fn)}
        doc["id"] = f"{emp.id}/{fn.id}"
    else:
        doc = to_document(store.record(kind, record_id))
    if as_json:
        emit_json(doc)
    else:
        click.echo(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100).rstrip())


def bundled_root() -> Path:
    """The folder holding the bundled profiles/ and scans/ (the project checkout)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "profiles").is_dir():
        raise MatchcoreError(_(
            "bundled example data not found next to the package ({path}); "
            "run the demo from a checkout of matchcore (pip install -e .)").format(path=root / "profiles"))
    return root


DEMO_DB = "matchcore-demo.db"


@main.command()
@click.pass_context
def demo(ctx):
    """Build a fresh database from the bundled profiles/ and scans/ and show what is there.

    Uses --db when given, else ./matchcore-demo.db (recreated each time).

    \b
    Example:
        matchcore demo && MATCHCORE_DB=matchcore-demo.db matchcore list functions
    """
    from matchcore.store import Store  # start-up
    from matchcore.store.io import import_paths  # start-up

    root = bundled_root()
    path = Path(ctx.obj.get("db") or DEMO_DB)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = Store.open(path)
    ctx.obj["store"] = store
    ctx.call_on_close(store.close)
    counts = import_paths(store, [root / "profiles", root / "scans"])
    click.echo(_("Demo database {path}: {counts}").format(path=path, counts=counted(dict(sorted(counts.items())))))
    for kind in ("employers", "functions", "candidates", "scans"):
        click.echo(f"\n== {_(HEADERS[kind])} ==")
        ctx.invoke(list_, kind=kind, sector=None, as_json=False)
    for spec in DEMO_STEPS:
        module, attr = spec.split(":")
        click.echo("")
        getattr(importlib.import_module(module), attr)(ctx, store)


# The demo's later sections, each a callable (ctx, store) -> None, run in order; imported only
# when the demo runs (start-up).
DEMO_STEPS: list[str] = [
    "matchcore.cli.match:demo_step",
    "matchcore.cli.instruments:demo_step",
    "matchcore.cli.carve:demo_step",
]


def run() -> None:  # console-script entry point
    """Run the command, then end the process at once.

    Why not a plain return: tearing the interpreter down (freeing every module of numpy, scipy,
    pydantic and the engine, object by object) took 0.1-0.2 s of each ``matchcore match`` here,
    after the answer was printed (issue 16). Nothing is lost by skipping it: the command's
    context has closed the store by then (``call_on_close``), the exit functions still run
    (``atexit``: logging, temporary files), and the streams are flushed before the process ends.

    The command runs without pydantic's own plugins (unless PYDANTIC_DISABLE_PLUGINS says
    otherwise): looking for them scans every installed distribution's entry points when the first
    model class is made, 30-60 ms of each command, and matchcore's commands use none (its own
    plugins are found through the ``matchcore`` entry points, :mod:`matchcore.instruments.registry`).
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        main(obj={}, prog_name="matchcore")
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): Python prints it and exits with 1
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (| head): nothing more can be written
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
