"""What the dedup index decides for versions and near copies, with a real Redis: a later
version of an article is its revision (whatever came in between, never across families),
and a copy near the 0.8 line is judged on its exact similarity (the estimate for docs
written before sketches existed)."""

from __future__ import annotations

import pytest

from tests.conftest import shared_files
from tests.workers.dedup_helpers import family, long_eval_articles, misjudged_copies, new_index
from workers.keys import Keys

KEYS = Keys("nftest")


@pytest.fixture(scope="module")
def articles() -> list[str]:
    return long_eval_articles(40)


def cleaned(seed: str) -> str:
    from pipelines.clean.cleaner import clean_text

    [path] = shared_files("seeds", pattern=f"{seed}_*.txt")
    return clean_text(path.read_text("utf-8")).text


def test_later_version_from_the_same_folder_is_a_revision(redis_client):
    """Seeds 000 and 002, two versions of one NYT article, from one folder: 002 revises 000."""
    index = new_index()
    first = index.classify("1000000000000000", cleaned("000"), families=family("nyt"))
    later = index.classify("1000000000000002", cleaned("002"), families=family("nyt"))
    assert first.dedup.status == later.dedup.status == "unique"
    assert later.dedup.revision_of == "1000000000000000" and first.dedup.revision_of is None
    assert later.story == first.story == "1000000000000000"


def test_shared_text_from_another_family_is_no_revision(redis_client):
    """The same two versions from two different folders are not linked as versions."""
    index = new_index()
    index.classify("2000000000000000", cleaned("000"), families=family("nyt"))
    later = index.classify("2000000000000002", cleaned("002"), families=family("elsewhere"))
    assert later.dedup.revision_of is None and later.dedup.status == "unique"


@pytest.fixture(scope="module")
def misjudged(articles):
    """Copies of real articles that the signature estimate puts on the wrong side of 0.8."""
    above, below = misjudged_copies(articles, 4)
    assert len(above) == len(below) == 4, "the eval articles should give 4 of each"
    return above, below


def test_near_threshold_decisions_follow_the_exact_similarity(redis_client, misjudged):
    """Copies at exact Jaccard 0.80 to 0.85 that the estimate puts below 0.8 are near
    duplicates, with their exact similarity; copies at 0.75 to 0.80 estimated at 0.8 or
    more are unique."""
    from pipelines.dedup.minhash import jaccard

    above, below = misjudged
    index = new_index()
    for n, (original, copy) in enumerate(above + below):
        index.classify(f"a{n:015d}", original)
        decision = index.classify(f"b{n:015d}", copy).dedup
        exact = jaccard(original, copy, 5)
        if exact >= 0.8:
            assert (decision.status, decision.of) == ("near_duplicate", f"a{n:015d}"), exact
            assert abs(decision.similarity - exact) <= 0.002
        else:
            assert decision.status == "unique" and decision.of is None, exact


def test_docs_without_a_sketch_fall_back_to_the_estimate(redis_client, misjudged):
    """An index written before sketches existed keeps working: an earlier doc without its
    sketch and family fields is judged on the estimate, as it was."""
    from pipelines.dedup.encoding import SKETCH_FIELDS

    _, below = misjudged
    index = new_index()
    original, copy = below[0]
    index.classify("c000000000000001", original, families=family("nyt"))
    redis_client.hdel(KEYS.doc("c000000000000001"), "g", *SKETCH_FIELDS)
    decision = index.classify("c000000000000002", copy, families=family("nyt")).dedup
    assert (decision.status, decision.of) == ("near_duplicate", "c000000000000001")
    assert decision.similarity >= 0.8  # the estimate's (the exact one is below 0.8)


# -- revisions far apart ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def nyt_versions(seed_articles):
    """Seeds 000 and 002 (two NewsDiffs versions of one NYT article) as files of one folder."""
    from dataclasses import replace

    from pipelines.article import Source

    return [
        replace(seed_articles[n], source=Source(type="file", path=f"/inbox/nyt/{n:03d}.txt"))
        for n in (0, 2)
    ]


@pytest.fixture(scope="module")
def same_folder_articles():
    """360 other articles of the same folder: the eval articles' gold texts, then each with
    the words of every line shuffled (new shingles, same vocabulary)."""
    import json
    import random

    from pipelines.article import Article, Source

    paths = shared_files("eval", "extraction", pattern="*.json")
    texts = [json.loads(p.read_text("utf-8"))["text"] for p in paths]
    rng = random.Random(3)
    shuffled = [
        "\n".join(" ".join(rng.sample(line.split(), len(line.split()))) for line in t.split("\n"))
        for t in texts
    ]
    return [
        Article(id=f"e{n:015x}", source=Source(type="file", path=f"/inbox/nyt/e{n}.txt"), text=text)
        for n, text in enumerate((texts + shuffled)[:360])
    ]


@pytest.mark.parametrize("order", ["000 first", "002 first"])
def test_revision_found_with_hundreds_of_folder_articles_in_between(
    redis_client, nyt_versions, same_folder_articles, order
):
    """Seed 000, 360 other articles of the same folder, then seed 002: 002 is found by its
    story features and is a revision of 000, though 000 left the folder's recent list long
    before. In the other order 000 revises 002, as it does when they arrive close together."""
    from workers.stages.dedup import classify_article

    first, later = nyt_versions if order == "000 first" else nyt_versions[::-1]
    index = new_index()
    earlier = classify_article(index, first)
    others = [classify_article(index, article) for article in same_folder_articles]
    decision = classify_article(index, later)
    assert decision.dedup.status == "unique" and decision.dedup.revision_of == first.id
    assert decision.story == earlier.story == first.id
    # (Some others are versions of one another: a short-lined text keeps its shingles
    # through the shuffle. None is taken for a version of the seed.)
    assert all(first.id not in (d.dedup.of, d.dedup.revision_of) for d in others)
