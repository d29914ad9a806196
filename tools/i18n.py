"""The Dutch catalogue: extract -> update -> compile, and the completeness check.

    python tools/i18n.py            # extract, update the .po, compile the .mo (``make catalogues``)
    python tools/i18n.py check      # what tests/test_catalogue.py checks, as a list of problems
    python tools/i18n.py todo       # the msgids without a Dutch text yet
    python tools/i18n.py merge FILE.po  # take the Dutch texts of FILE.po (another engineer's), then compile

What is extracted (Babel's extractors, plus one for click):

- ``_()``, ``N_()``, ``gettext()``, ``ngettext()`` in ``matchcore/`` and ``plugins/`` Python files;
- ``{{ _("...") }}`` and ``{% trans %}`` in the Jinja2 templates of ``matchcore/web/templates`` and
  ``matchcore/reports/templates`` (Jinja2's own Babel extractor);
- click help: the docstring of every function decorated with ``@x.command``/``@x.group`` and the
  ``help=``/``short_help=``/``epilog=`` of every click option, argument, command and group, cleaned
  the way click cleans them (:func:`inspect.cleandoc`), so that :mod:`matchcore.cli.root` can look
  the help up in the catalogue when it shows it in the chosen language;
- the instruments' ``name``, ``summary`` and ``notes``, and the parameters' ``description`` and
  the ``note`` of their values and alternatives, in the plugins' parameter files (``plugins/*.yaml``;
  whitespace collapsed as :mod:`matchcore.instruments.params` reads them; a text given per language,
  ``{nl: ..., en: ...}``, carries its own forms and is not extracted),
  and the plain-string texts of the built-in plugins' answers (``Check``, ``Cost``, ``Step``,
  ``Note``, ... and ``feasibility_reason``), which are shown through ``_()``.

Fuzzy matching is off (a near-miss Dutch text is worse than none: the check then names the
msgid as untranslated) and obsolete entries are dropped, so the .po is exactly the tree's texts.
"""
from __future__ import annotations

import ast
import inspect
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "matchcore" / "locale" / "nl" / "LC_MESSAGES" / "matchcore.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
# (folder, Babel method map) pairs; the paths in the map are relative to the folder.
SOURCES = [
    (ROOT / "matchcore", [("**/templates/**.html", "jinja2.ext:babel_extract"),
                          ("**/templates/**.j2", "jinja2.ext:babel_extract"),
                          ("**.py", "python")]),
    (ROOT / "plugins", [("**.py", "python")]),
]
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
CLICK_CALLS = {"option", "argument", "command", "group", "Option", "Argument", "Command", "Group",
               "password_option", "confirmation_option", "version_option"}
CLICK_TEXT_KEYS = ("help", "short_help", "epilog")
# Fields of plugins/*.yaml that are prose for people (shown through _()): an instrument's name,
# summary and notes; a parameter's description and the notes of its values and alternatives, which
# a coach reads in `instruments show`, the unverified flags and the disputed values.
YAML_TEXT_KEYS = {"name", "summary", "notes", "description", "note"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def click_messages(path: Path) -> Iterator[tuple[int, str]]:
    """(line, msgid) of the click help texts in one Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if any(isinstance(d, ast.Call) and _name(d.func) in {"command", "group"}
                   for d in node.decorator_list):
                doc = ast.get_docstring(node, clean=False)
                if doc:
                    text = inspect.cleandoc(doc).partition("\f")[0].strip()
                    if text:
                        yield node.lineno, text
        elif isinstance(node, ast.Call) and _name(node.func) in CLICK_CALLS:
            for kw in node.keywords:
                if kw.arg in CLICK_TEXT_KEYS and isinstance(kw.value, ast.Constant) \
                        and isinstance(kw.value.value, str) and kw.value.value.strip():
                    yield kw.value.lineno, inspect.cleandoc(kw.value.value)


# The texts of the answers built-in plugins give (matchcore.instruments.types), by argument
# position and keyword: plain strings there are msgids, translated where they are shown (the
# CLI, the web pages) with ``_()``; payer and payee also act as codes, so the results keep them.
ANSWER_TEXTS = {"Check": (0, 2), "Cost": (0, 1, 2), "Step": (0,), "Note": (0,), "Duration": (),
                "Variant": (1, 2), "NetCost": (1,)}
ANSWER_KEYWORDS = {"text", "basis", "who", "what", "rule", "item", "label", "condition", "recurring",
                   "payer", "payee"}


def plugin_messages(path: Path) -> Iterator[tuple[int, str]]:
    """(line, msgid) of the plain-string texts of a plugin's answers and its ``feasibility_reason``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        values = []
        if isinstance(node, ast.Call) and _name(node.func) in ANSWER_TEXTS:
            spots = ANSWER_TEXTS[_name(node.func)]
            values = [a for i, a in enumerate(node.args) if i in spots]
            values += [k.value for k in node.keywords if k.arg in ANSWER_KEYWORDS]
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "feasibility_reason"
                                                  for t in node.targets):
            values = [node.value]
        for value in values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.strip():
                yield value.lineno, value.value


def yaml_messages(path: Path) -> Iterator[str]:
    """The prose fields of one plugin parameter file."""
    def walk(value, key=None):
        if isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, k)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v, key)
        elif isinstance(value, str) and key in YAML_TEXT_KEYS and value.strip():
            yield " ".join(value.split())   # as matchcore.instruments.params._text reads it
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for instrument in (data.get("instruments") or {}).values():
        yield from walk(instrument)
    for parameter in (data.get("parameters") or {}).values():
        if isinstance(parameter, dict):
            yield from walk({k: v for k, v in parameter.items() if k in ("description", "values")})


def extract() -> Catalog:
    """Every msgid of the tree, as a template catalogue (no translations)."""
    template = Catalog(project="matchcore", domain="matchcore", fuzzy=False)
    for folder, method_map in SOURCES:
        options = {pattern: JINJA_OPTIONS for pattern, method in method_map if "jinja" in method}
        for filename, lineno, message, comments, context in extract_from_dir(
                str(folder), method_map, options, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
                strip_comment_tags=True):
            rel = f"{folder.name}/{filename}"
            template.add(message, None, [(rel, lineno)], auto_comments=comments, context=context)
        for path in sorted(folder.rglob("*.py")):
            rel = str(path.relative_to(ROOT))
            for lineno, message in click_messages(path):
                template.add(message, None, [(rel, lineno)], flags=("click-help",))
    for path in sorted((ROOT / "plugins").glob("*.py")):
        for lineno, message in plugin_messages(path):
            template.add(message, None, [(str(path.relative_to(ROOT)), lineno)])
    for path in sorted((ROOT / "plugins").glob("*.yaml")):
        for message in yaml_messages(path):
            template.add(message, None, [(str(path.relative_to(ROOT)), 0)])
    return template


def load() -> Catalog:
    if not PO.exists():
        return Catalog(locale="nl_BE", domain="matchcore", project="matchcore", fuzzy=False)
    with PO.open("rb") as fh:
        return read_po(fh, locale="nl_BE", domain="matchcore")


def save(catalog: Catalog) -> None:
    PO.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, sort_output=True, omit_header=False, ignore_obsolete=True,
             include_previous=False)
    PO.write_bytes(buf.getvalue())


def update() -> Catalog:
    """The .po brought in line with the tree (new msgids empty, gone ones dropped)."""
    catalog = load()
    catalog.update(extract(), no_fuzzy_matching=True, update_header_comment=False,
                   update_creation_date=False)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    catalog.revision_date = catalog.creation_date  # keeps the file stable between runs
    save(catalog)
    return catalog


def mo_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def compile_mo() -> None:
    MO.write_bytes(mo_bytes(load()))


def merge(path: Path) -> int:
    """Take the Dutch texts of another .po (msgids the tree has; others ignored). Returns how many."""
    catalog = load()
    with path.open("rb") as fh:
        other = read_po(fh)
    n = 0
    for msg in other:
        if not msg.id or not msg.string or msg.fuzzy:
            continue
        mine = catalog.get(msg.id, msg.context)
        if mine is not None and mine.string != msg.string:
            mine.string = msg.string
            n += 1
    save(catalog)
    return n


def fill(translations: dict[str, str]) -> int:
    """Set Dutch texts from a {msgid: msgstr} mapping (used by tools/i18n_nl.py). Returns how many."""
    catalog = load()
    n = 0
    for msgid, text in translations.items():
        mine = catalog.get(msgid)
        if mine is not None and text and mine.string != text:
            mine.string = text
            mine.flags.discard("fuzzy")
            n += 1
    save(catalog)
    return n


def check() -> list[str]:
    """Problems: msgids missing from the .po, untranslated, fuzzy, placeholder mismatch, stale .mo."""
    # start-up: only the check needs the placeholder parser
    import string

    def fields(text: str) -> set[str]:
        try:
            return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        except ValueError:
            return {"<malformed braces>"}

    problems = []
    catalog = load()
    for msg in extract():
        if not msg.id:
            continue
        if catalog.get(msg.id, msg.context) is None:
            where = ", ".join(f"{f}:{n}" for f, n in msg.locations[:2])
            problems.append(f"missing from the catalogue: {msg.id!r} ({where}); run python tools/i18n.py")
    for msg in catalog:
        if not msg.id:
            continue
        ids = msg.id if isinstance(msg.id, (list, tuple)) else (msg.id,)
        strs = msg.string if isinstance(msg.string, (list, tuple)) else (msg.string,)
        if msg.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        if not all(strs):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        # the singular's form against the first text, the plural's against the others
        for n, s in enumerate(strs):
            want = fields(ids[min(n, len(ids) - 1)])
            if fields(s) != want:
                problems.append(f"placeholders differ: {ids[0]!r} has {sorted(want)}, "
                                f"the Dutch {sorted(fields(s))}")
    if not MO.exists() or MO.read_bytes() != mo_bytes(catalog):
        problems.append(f"{MO.relative_to(ROOT)} is not compiled from the .po; run python tools/i18n.py")
    return problems


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "all"
    if command == "all":
        catalog = update()
        compile_mo()
        todo = [m.id for m in catalog if m.id and not m.string]
        print(f"{PO.relative_to(ROOT)}: {len(catalog)} messages, {len(todo)} without Dutch")
        return 0
    if command == "check":
        problems = check()
        for p in problems:
            print(p)
        return 1 if problems else 0
    if command == "todo":
        for m in load():  # a plural is to do while one of its forms is empty
            forms = m.string if isinstance(m.string, (list, tuple)) else (m.string,)
            if m.id and not all(forms):
                print(repr(m.id))
        return 0
    if command == "merge" and len(argv) == 2:
        n = merge(Path(argv[1]))
        compile_mo()
        print(f"{n} Dutch texts taken from {argv[1]}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
