"""The vocabulary's side of the store: tables ``vocab_concepts`` and ``vocab_labels``.

Writing concepts and labels (an existing label keeps the better kind), recording a loaded
starter vocabulary, folding ESCO twins into starter concepts, and the reads
:class:`~matchcore.vocabulary.concepts.Vocabulary` is fitted from.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from matchcore.vocabulary.resolution import PRIORITY, fold, key

__all__ = [
    "STARTER_META",
    "alias_owner",
    "competence_texts",
    "merge_esco_twins",
    "read_concepts",
    "read_related",
    "read_labels",
    "store_starter",
    "write_concepts",
    "write_labels",
    "write_related",
]

STARTER_META = "vocab_starter"   # meta key: digest of the starter vocabulary file last loaded
RELATED_META = "vocab_related"   # meta key: JSON {concept: [[concept, relation]]} of an imported mapping


def write_concepts(db, concepts: Iterable) -> int:
    """Upsert :class:`~matchcore.vocabulary.concepts.Concept` records; return how many."""
    rows = [(c.id, c.label, c.type, json.dumps(list(c.sectors), ensure_ascii=False), c.en,
             c.esco_uri, c.source, c.description) for c in concepts]
    db.conn.executemany(
        "insert into vocab_concepts (id, label, type, sectors, en, esco_uri, source, description) "
        "values (?, ?, ?, ?, ?, ?, ?, ?) on conflict(id) do update set label = excluded.label, "
        "type = excluded.type, sectors = excluded.sectors, en = coalesce(excluded.en, en), "
        "esco_uri = coalesce(excluded.esco_uri, esco_uri), source = excluded.source, "
        "description = coalesce(excluded.description, description)", rows)
    return len(rows)


def write_labels(db, labels: Iterable[tuple[str, str, str, str | None]], *,
                 replace: bool = False) -> int:
    """Insert (concept_id, label, kind, lang); an existing (concept, folded) keeps the better kind."""
    rows = []
    for cid, label, kind, lang in labels:
        folded = fold(label)
        if folded:
            rows.append((cid, label, folded, key(folded, folded=True), kind, lang, PRIORITY[kind]))
    db.conn.executemany(
        "insert into vocab_labels (concept_id, label, folded, key, kind, lang, priority) "
        "values (?, ?, ?, ?, ?, ?, ?) on conflict(concept_id, folded) do update set "
        "label = excluded.label, kind = excluded.kind, lang = excluded.lang, "
        "priority = excluded.priority "
        + ("" if replace else "where excluded.priority < vocab_labels.priority"), rows)
    return len(rows)


def store_starter(store, concepts: list, labels: list[tuple], digest: str) -> None:
    """Write a loaded starter vocabulary and remember its file ``digest``, in one transaction."""
    with store.transaction():
        write_concepts(store.db, concepts)
        write_labels(store.db, labels)
        merge_esco_twins(store.db, concepts)
        store._set_meta(STARTER_META, digest)


def merge_esco_twins(db, concepts: Iterable) -> int:
    """Fold an imported ESCO concept into the starter concept that names its URI.

    ESCO imported before the starter vocabulary (or before a starter concept got its
    ``esco_uri``) leaves two concepts for one skill; the ESCO one's labels move to the starter
    concept and the twin is removed. Returns how many were merged."""
    merged = 0
    for c in concepts:
        if not c.esco_uri:
            continue
        for (twin,) in db.execute("select id from vocab_concepts where esco_uri = ? and "
                                  "source = 'esco' and id != ?", [c.esco_uri, c.id]).fetchall():
            db.execute("insert or ignore into vocab_labels (concept_id, label, folded, key, kind, "
                       "lang, priority) select ?, label, folded, key, kind, lang, priority from "
                       "vocab_labels where concept_id = ?", [c.id, twin])
            db.execute("delete from vocab_labels where concept_id = ?", [twin])
            db.execute("delete from vocab_concepts where id = ?", [twin])
            merged += 1
    return merged


def read_concepts(db) -> Iterator[tuple]:
    """Rows (id, label, type, sectors, en, esco_uri, source, description), sectors decoded,
    in id order."""
    for r in db.execute("select id, label, type, sectors, en, esco_uri, source, description "
                        "from vocab_concepts order by id"):
        yield (r[0], r[1], r[2] or "technical", tuple(json.loads(r[3] or "[]")), r[4], r[5],
               r[6] or "user", r[7])


def read_labels(db) -> Iterator[tuple[str, str, str, str]]:
    """Rows (concept_id, label, folded, key), best kind first, then by concept and folded text."""
    yield from db.execute("select concept_id, label, folded, key from vocab_labels "
                          "order by priority, concept_id, folded")


def alias_owner(db, alias: str, concept_id: str) -> str | None:
    """The other concept that already has ``alias`` as a coach's alias, if any."""
    row = db.execute(
        "select concept_id from vocab_labels where (folded = ? or key = ?) and kind = 'alias' "
        "and concept_id != ?", [fold(alias), key(alias), concept_id]).fetchone()
    return row[0] if row else None


def competence_texts(store) -> list[dict[str, Any]]:
    """Every competence text in use with its ESCO URI: ``name``, ``esco_uri``, ``c`` (how many
    candidates use it) and ``f`` (how many functions)."""
    return store.rows(
        "select name, esco_uri, sum(c) as c, sum(f) as f from ("
        " select name, esco_uri, 1 as c, 0 as f from candidate_competences"
        " union all select name, esco_uri, 0, 1 from function_competences)"
        " group by name, esco_uri")


def write_related(store, related: dict) -> None:
    """Record the related concepts of an imported Competent mapping (``vocab import-esco
    --mapping``) in the store's meta table (inside the caller's transaction)."""
    store._set_meta(RELATED_META, json.dumps({k: [list(p) for p in v] for k, v in related.items()},
                                             ensure_ascii=False, separators=(",", ":")))


def read_related(store) -> dict:
    """What :func:`write_related` recorded, as {concept: ((concept, relation), ...)}."""
    raw = store.meta(RELATED_META)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return {k: tuple(tuple(p) for p in v) for k, v in data.items()}
