"""A labelled dedup set generated at run time from real article text.

The texts are the human-made bodies of ``shared/eval/extraction/*.json``, read where they
lie (never copied into the project). From each one the generator makes the copies a news
service meets: an exact copy reformatted, the article inside other boilerplate, with 1 to
10% of its sentences edited, its last paragraph cut, a new headline, two paragraphs
swapped, boilerplate plus edits, and a later revision (same source folder, a third of it
rewritten). A last copy, ``near_line``, is edited until its similarity lands near the
threshold (0.74 to 0.86): the pairs where an estimate alone decides wrongly most often.
Every article itself is also in the stream: each is a true negative for all the others,
and the pairs on one topic (highest word overlap) are listed as the hard ones.
``fillers`` makes unrelated articles of one folder (the eval texts with the words of each
line shuffled) to put between an article and its revision.

Labels follow the contract's definitions, measured on the texts rather than assumed from
the recipe: ``duplicate`` when the normalised texts are equal, ``near_duplicate`` when the
exact Jaccard similarity of the 5-shingles reaches the threshold, ``revision`` for a
revision-recipe copy from the same folder between the revision threshold and the
threshold, else ``unique``. A copy unique against its original is then measured against
the copies of the same original earlier in the stream: ``near_duplicate`` of one of them,
or ``revision`` of one in its own folder, as the index would rightly call it.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from math import sqrt
from pathlib import Path
from urllib.parse import urlsplit

from pipelines.dedup.minhash import DedupConfig, jaccard, normalise_text

SHARED = Path(__file__).resolve().parents[2] / "shared"

#: Invented boilerplate, as other outlets wrap a syndicated story.
WRAPPERS = [
    (
        ["Advertisement", "Share this article: Facebook Twitter Email"],
        ["© 2019 The Morning Ledger. All rights reserved.", "Sign up for our daily newsletter."],
    ),
    (
        ["Home > World > Latest", "Listen to this article"],
        ["This story was provided by a wire service.", "Most read: five stories you missed"],
    ),
    (["Skip to main content"], ["Copyright Valley Press Group. Terms of use. Privacy policy."]),
]
EDITS = ["reportedly", "officials said", "on Tuesday", "according to sources", "however"]


@dataclass(slots=True)
class Item:
    article_id: str
    text: str
    folder: str
    kind: str  #: "original" or the recipe of a copy
    label: str  #: duplicate, near_duplicate, revision or unique
    original: str | None = None  #: the article a copy was made from
    similarity: float | None = None  #: exact Jaccard to it


def eval_articles(min_words: int = 80) -> list[tuple[str, str, str]]:
    """(name, url, text) of the evaluation articles of at least ``min_words`` words."""
    out = []
    for path in sorted((SHARED / "eval" / "extraction").glob("*.json")):
        record = json.loads(path.read_text("utf-8"))
        if len(record["text"].split()) >= min_words:
            out.append((path.stem, record.get("url") or "", record["text"]))
    if not out:
        raise SystemExit(f"no evaluation articles under {SHARED / 'eval' / 'extraction'}")
    return out


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", text.strip())


def edit_sentences(text: str, fraction: float, rng: random.Random) -> str:
    """Edit ``fraction`` of the sentences (at least one): a word changed or a phrase added."""
    rows = [sentences(p) for p in paragraphs(text)]
    places = [(i, j) for i, row in enumerate(rows) for j in range(len(row))]
    for i, j in rng.sample(places, max(1, round(fraction * len(places)))):
        words = rows[i][j].split()
        at = rng.randrange(len(words))
        if rng.random() < 0.5:
            words[at] = words[at][:-1] + "e" if len(words[at]) > 3 else "the"  # a typo fix
        else:
            words.insert(at, rng.choice(EDITS))
        rows[i][j] = " ".join(words)
    return "\n".join(" ".join(row) for row in rows)


def wrap(text: str, wrapper: tuple[list[str], list[str]]) -> str:
    return "\n".join([*wrapper[0], text, *wrapper[1]])


def recipes(text: str, other: str, rng: random.Random) -> dict[str, str]:
    """Every copy of ``text``; ``other`` (an unrelated article) supplies a revision's new text."""
    paras = paragraphs(text)
    copies = {
        "exact": " ".join(text.upper().split()),
        "wrapper": wrap(text, rng.choice(WRAPPERS)),
        "edit_1pct": edit_sentences(text, 0.01, rng),
        "edit_5pct": edit_sentences(text, 0.05, rng),
        "edit_10pct": edit_sentences(text, 0.10, rng),
        "headline": "Update: " + " ".join(rng.sample(text.split(), 8)).capitalize() + "\n" + text,
        "wrapper_edit": wrap(edit_sentences(text, 0.05, rng), rng.choice(WRAPPERS)),
    }
    if len(paras) >= 4:
        copies["truncate"] = "\n".join(paras[:-1])
        swapped = paras[:]
        middle = len(paras) // 2
        swapped[middle - 1], swapped[middle] = swapped[middle], swapped[middle - 1]
        copies["reorder"] = "\n".join(swapped)
        copies["revision"] = revise(paras, paragraphs(other), rng)
    return copies


def revise(paras: list[str], other: list[str], rng: random.Random) -> str:
    """A later version: a third of the paragraphs replaced by new reporting."""
    kept = paras[:]
    for at in rng.sample(range(len(kept)), max(1, len(kept) // 3)):
        kept[at] = rng.choice(other)
    return "\n".join(kept + ["Update: this article has been revised with new information."])


def build(config: DedupConfig, seed: int = 5) -> list[Item]:
    """The stream: every article first (as a news service sees new stories), then the
    copies in random order. Ids are 16 hex digits, as the pipeline's."""
    rng = random.Random(seed)
    articles = eval_articles()
    items = [
        Item(f"{n:016x}", text, folder_of(url), "original", "unique")
        for n, (_, url, text) in enumerate(articles)
    ]
    copies = []
    for n, (_, _, text) in enumerate(articles):
        other = articles[(n + 7) % len(articles)][2]
        for kind, copy in recipes(text, other, rng).items():
            syndicated = syndicated_folder(rng)
            folder = items[n].folder if kind == "revision" else syndicated
            copies.append(labelled(items[n], copy, kind, folder, config))
        copies.append(near_line_copy(items[n], config, random.Random(f"near-line-{n}")))
    rng.shuffle(copies)
    for number, item in enumerate(copies):
        item.article_id = f"{0x8000_0000_0000_0000 + number:016x}"
    return relabelled_against_earlier_copies(items + copies, config)


def relabelled_against_earlier_copies(items: list[Item], config: DedupConfig) -> list[Item]:
    """A copy unlike its original may be like an earlier copy of it in the stream: a near
    duplicate of it, or (in the same folder) a later version of it. Labelled so."""
    earlier: dict[str, list[Item]] = {}
    for item in items:
        same_root = earlier.setdefault(item.original or item.article_id, [])
        if item.original is not None and item.label == "unique":
            item.label = label_against(item, same_root[1:], config)  # [0]: the original
        same_root.append(item)
    return items


def label_against(item: Item, copies: list[Item], config: DedupConfig) -> str:
    similar = [(jaccard(c.text, item.text, config.shingle_size), c) for c in copies]
    if any(similarity >= config.threshold for similarity, _ in similar):
        return "near_duplicate"
    same_folder = [s for s, c in similar if c.folder == item.folder]
    return "revision" if any(s >= config.revision_threshold for s in same_folder) else "unique"


def near_line_copy(original: Item, config: DedupConfig, rng: random.Random) -> Item:
    """A copy edited until its exact similarity is closest to a target near the threshold
    (its own ``rng``, so the texts of the other copies stay those earlier runs measured)."""
    target = rng.uniform(config.threshold - 0.06, config.threshold + 0.06)
    low, high, best = 0.0, 0.6, (2.0, original.text)
    for _ in range(7):  # bisect the share of sentences edited
        fraction = (low + high) / 2
        text = edit_sentences(original.text, fraction, random.Random(rng.random()))
        similarity = jaccard(original.text, text, config.shingle_size)
        best = min(best, (abs(similarity - target), text))
        low, high = (fraction, high) if similarity > target else (low, fraction)
    return labelled(original, best[1], "near_line", syndicated_folder(rng), config)


def syndicated_folder(rng: random.Random) -> str:
    return f"/bench/syndicate-{rng.randrange(5)}"


def fillers(count: int, seed: int = 11) -> list[str]:
    """``count`` unrelated texts: the eval texts with the words of each line shuffled
    (their sizes and vocabulary, none of their shingles), cycled with new shuffles."""
    rng, texts = random.Random(seed), [text for _, _, text in eval_articles()]
    out = []
    while len(out) < count:
        for text in texts[: count - len(out)]:
            lines = [line.split() for line in text.split("\n")]
            for words in lines:
                rng.shuffle(words)
            out.append("\n".join(" ".join(words) for words in lines))
    return out


def labelled(original: Item, text: str, kind: str, folder: str, config: DedupConfig) -> Item:
    similarity = jaccard(original.text, text, config.shingle_size)
    if normalise_text(text) == normalise_text(original.text):
        label = "duplicate"
    elif similarity >= config.threshold:
        label = "near_duplicate"
    elif kind == "revision" and similarity >= config.revision_threshold:
        label = "revision"
    else:
        label = "unique"
    return Item("", text, folder, kind, label, original.article_id, round(similarity, 4))


def folder_of(url: str) -> str:
    """One folder per outlet: the articles of one site share a source family."""
    return f"/bench/{urlsplit(url).hostname or 'unknown'}"


def same_topic_pairs(items: list[Item], count: int) -> list[tuple[float, Item, Item]]:
    """The ``count`` pairs of different articles with the most words in common (cosine)."""
    originals = [i for i in items if i.kind == "original"]
    vectors = [Counter(w for w in normalise_text(i.text).split() if len(w) > 3) for i in originals]
    norms = [sqrt(sum(v * v for v in vec.values())) for vec in vectors]
    scored = []
    for a in range(len(originals)):
        for b in range(a + 1, len(originals)):
            dot = sum(n * vectors[b].get(w, 0) for w, n in vectors[a].items())
            scored.append((dot / (norms[a] * norms[b] or 1), originals[a], originals[b]))
    return sorted(scored, key=lambda row: -row[0])[:count]
