"""Fine-tune the bundled model's NER on the dev half of the entities gold (an experiment).

usage: python benchmarks/tune_ner.py --out DIR [--epochs 5] [--seed 0] [--fold 0|1]

The gold lists each document's distinct names, not where they are: every spelling is
found in the text (a person's surname alone too) and taught as its label, longest first;
what the model reads there under another label (dates, nationalities, products) is kept
as the model read it, and a PERSON, ORG or GPE of the model's that the gold does not name
is taught as no entity. A paragraph is one example. Held-out documents are never read.
With ``--fold``, the dev documents of that half (by a hash of their id) are left out too,
so that ``--fold 0`` and ``--fold 1`` choose the epochs on dev alone.

The whole pipeline is saved to DIR; ``bench_entities.py --model DIR`` measures it with
the rules around it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.training import Example

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_entities import GOLD, gold_texts  # noqa: E402
from pipelines.entities.recognizer import DEFAULT_MODEL  # noqa: E402
from pipelines.entities.scoring import SCORED_LABELS, entry_spellings, split_of  # noqa: E402

BATCH = 16
DROPOUT = 0.3


def fold_of(doc_id: str) -> int:
    """The half of dev a document falls in, by a hash of its id."""
    return int(hashlib.md5(doc_id.encode()).hexdigest(), 16) % 2


def gold_spans(text: str, gold: Mapping[str, object]) -> list[tuple[int, int, str]]:
    """(start, end, label) of every written spelling of the gold's names, no two
    overlapping, the longer kept."""
    found = []
    for label in SCORED_LABELS:
        for entry in gold.get(label, []):  # type: ignore[attr-defined]
            names = entry_spellings(entry)
            if label == "PERSON":
                names += [s.split()[-1] for s in names if len(s.split()) > 1]
            for spelling in {s for s in names if len(s) > 1}:
                pattern = r"(?<!\w)" + re.escape(spelling) + r"(?!\w)"
                found += [(m.start(), m.end(), label) for m in re.finditer(pattern, text)]
    found.sort(key=lambda span: (span[0], span[0] - span[1]))
    kept: list[tuple[int, int, str]] = []
    for span in found:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def examples(
    nlp: Language,
    texts: Mapping[str, str],
    gold: Mapping[str, Mapping[str, object]],
    fold: int | None,
) -> Iterator[Example]:
    """One example per paragraph of the dev documents (less ``fold``'s half)."""
    from spacy.training import Example

    for doc_id, text in texts.items():
        if split_of(gold[doc_id]) != "dev" or (fold is not None and fold_of(doc_id) == fold):
            continue
        for paragraph in (p for p in re.split(r"\n\s*\n", text) if p.strip()):
            doc = nlp.make_doc(paragraph)
            taught = [
                span
                for start, end, label in gold_spans(paragraph, gold[doc_id])
                if (span := doc.char_span(start, end, label=label, alignment_mode="contract"))
            ]
            taken = {i for span in taught for i in range(span.start, span.end)}
            for ent in nlp(paragraph).ents:
                if ent.label_ in SCORED_LABELS or taken & set(range(ent.start, ent.end)):
                    continue
                taught.append(ent)
                taken.update(range(ent.start, ent.end))
            entities = [(s.start_char, s.end_char, s.label_) for s in taught]
            yield Example.from_dict(doc, {"entities": sorted(entities)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fold", type=int, choices=(0, 1), default=None)
    args = parser.parse_args()

    import spacy
    from thinc.api import fix_random_seed

    nlp = spacy.load(DEFAULT_MODEL)
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    with nlp.select_pipes(enable=["ner"]):
        training = list(examples(nlp, gold_texts(), gold, args.fold))
        print(f"tune_ner: {len(training)} paragraphs", file=sys.stderr)
        random.seed(args.seed)
        fix_random_seed(args.seed)  # dropout draws from numpy and thinc, not random
        optimizer = nlp.resume_training()
        for epoch in range(args.epochs):
            started = time.perf_counter()
            random.shuffle(training)
            losses: dict[str, float] = {}
            for start in range(0, len(training), BATCH):
                batch = training[start : start + BATCH]
                nlp.update(batch, drop=DROPOUT, sgd=optimizer, losses=losses)
            took = time.perf_counter() - started
            print(
                f"tune_ner: epoch {epoch + 1}, loss {losses['ner']:.0f}, {took:.0f} s",
                file=sys.stderr,
            )
    nlp.to_disk(args.out)
    print(args.out)


if __name__ == "__main__":
    main()
