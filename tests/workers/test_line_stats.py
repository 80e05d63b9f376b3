"""Learned repetition on a real Redis: per-source line counts, and the cleaner using them
through the real intake and a real dramatiq worker. Every article below is invented."""

from __future__ import annotations

import pytest

from pipelines.article import Source
from pipelines.clean.cleaner import clean_document, clean_text
from pipelines.clean.paragraphs import document_lines
from pipelines.clean.repetition import fingerprint, source_name
from pipelines.extract.extractor import decode_text
from tests.workers.helpers import entries, running_worker, wait_for_entries
from workers.keys import Keys

KEYS = Keys("nftest")
ARTICLES, DEAD = KEYS.articles, KEYS.dead

#: The shared footer: a sentence, so no rule of the cleaner drops it on its own.
FOOTER = "The Brackwater Ledger is an independent newsroom funded by readers across the valley."

STORIES = [
    (
        "Ferry fares rise for the first time in six years",
        "The harbour board agreed on Tuesday to raise ferry fares by ten percent from March.",
        "Commuters from Eastbank said the rise would cost them more than forty pounds a year.",
        "The board said the money would pay for two new engines and a repaired landing stage.",
    ),
    (
        "Library reopens after flood repairs",
        "The central library reopened on Saturday after eight months of repairs to its basement.",
        "Volunteers carried more than three thousand books back to the shelves over the weekend.",
        "The librarian thanked the builders, who finished the work two weeks ahead of plan.",
    ),
    (
        "Orchard growers count cost of late frost",
        "Apple growers in the upper valley lost up to half of their blossom to a frost in April.",
        "Several farms said they would ask the county for help to pay seasonal pickers.",
        "The county agriculture officer will visit the worst hit orchards next week.",
    ),
    (
        "School choir wins regional prize",
        "The Millbrook school choir won the regional competition in Port Alden on Friday evening.",
        "The judges praised a piece written for the choir by its music teacher, Oren Vale.",
        "The choir will sing at the national final in the capital in June.",
    ),
    (
        "Bridge closure to last until autumn",
        "The old river bridge will stay closed to cars until the autumn, engineers said on Monday.",
        "Cracks found in two of its piers need more work than the first survey suggested.",
        "Buses will take a detour through Northgate, adding about ten minutes to each trip.",
    ),
]


def article(index: int) -> str:
    headline, *paragraphs = STORIES[index]
    return "\n".join([headline, *paragraphs, FOOTER]) + "\n"


@pytest.fixture
def stats(redis_client, tmp_path):
    from workers.state.line_stats import LineStats

    return LineStats(redis_client, KEYS, window=4, ttl=3600, marker_ttl=600)


def test_unknown_source_has_empty_history(stats):
    """A source never seen has counted no document and no line."""
    history = stats.history("folder:ledger", "a1", ["Some line.", FOOTER])
    assert history.documents == 0
    assert history.seen_in(FOOTER) == 0


def test_recorded_lines_are_counted_per_document(stats):
    """Each recorded document adds one to each distinct line it held, once per document."""
    stats.record("folder:ledger", "a1", [FOOTER, "First story.", FOOTER])
    stats.record("folder:ledger", "a2", [FOOTER, "Second story."])
    history = stats.history("folder:ledger", "a3", [FOOTER, "First story.", "Third story."])
    assert history.documents == 2
    assert history.seen_in(FOOTER) == 2
    assert history.seen_in("First story.") == 1
    assert history.seen_in("Third story.") == 0


def test_fingerprints_ignore_case_punctuation_and_digits(stats):
    """A footer that differs only in its year or its punctuation counts as the same line."""
    stats.record("folder:ledger", "a1", ["© 2031 Brackwater Ledger"])
    history = stats.history("folder:ledger", "a2", ["© 2032, BRACKWATER LEDGER."])
    assert history.seen_in("© 2032, BRACKWATER LEDGER.") == 1


def test_sources_do_not_share_counts(stats):
    """Counts of one source say nothing about another."""
    stats.record("folder:ledger", "a1", [FOOTER])
    history = stats.history("folder:gazette", "b1", [FOOTER])
    assert history.documents == 0 and history.seen_in(FOOTER) == 0


def test_a_retried_document_is_counted_once_and_not_against_itself(stats):
    """Recording twice counts once, and the document's own lines are not history to it."""
    assert stats.record("folder:ledger", "a1", [FOOTER]) is True
    assert stats.record("folder:ledger", "a1", [FOOTER]) is False
    assert stats.history("folder:ledger", "a2", [FOOTER]).seen_in(FOOTER) == 1
    again = stats.history("folder:ledger", "a1", [FOOTER])
    assert again.documents == 0 and again.seen_in(FOOTER) == 0


def test_counts_are_bounded_to_two_windows_and_expire(stats, redis_client):
    """With a window of 4, ten documents leave counts of the last 4 to 8, with a TTL."""
    towns = [
        "Alden",
        "Brack",
        "Corrow",
        "Dunmere",
        "Eastbank",
        "Fenwick",
        "Garth",
        "Holm",
        "Ivel",
        "Jarrow",
    ]
    for number, town in enumerate(towns):
        stats.record("folder:ledger", f"a{number}", [FOOTER, f"A story from {town}."])
    asked = [FOOTER, "A story from Alden.", "A story from Jarrow."]
    history = stats.history("folder:ledger", "z", asked)
    assert 4 <= history.documents <= 8
    assert history.seen_in(FOOTER) == history.documents
    assert history.seen_in("A story from Alden.") == 0  # in a generation since dropped
    assert history.seen_in("A story from Jarrow.") == 1
    generations = [KEYS.line_counts("*", generation) for generation in ("cur", "prev")]
    count_keys = [key for pattern in generations for key in redis_client.keys(pattern)]
    assert len(count_keys) == 2
    assert all(0 < redis_client.ttl(key) <= 3600 for key in count_keys)


def clean_with_history(stats, path, inbox, article_id):
    """What the extract stage does with a text file: clean it with its source's history,
    then count its lines."""
    source = source_name(Source("file", str(path)), inbox)
    lines = document_lines(decode_text(path.read_bytes()))
    found = clean_document(lines, stats.history(source, article_id, lines))
    stats.record(source, article_id, lines)
    return found


def test_history_drops_the_footer_once_the_source_repeats_it(stats, tmp_path):
    """Cleaning each article after recording the earlier ones: from the fourth, no footer."""
    footers_kept = []
    for index in range(5):
        path = tmp_path / f"story-{index}.txt"
        path.write_text(article(index), encoding="utf-8")
        found = clean_with_history(stats, path, tmp_path, f"id{index}")
        footers_kept.append(FOOTER in found.text.splitlines())
        assert all(line in found.text.splitlines() for line in STORIES[index][1:])
    assert clean_text(article(4)).text.splitlines()[-1] == FOOTER  # no rule catches it
    assert footers_kept == [True, True, True, False, False]


def test_footer_learned_through_the_pipeline(redis_client, intake, tmp_path):
    """Five articles from one source folder: the later ones lose the shared footer, and no
    article loses a line of its own."""
    folder = tmp_path / "brackwater-ledger"
    folder.mkdir()
    with running_worker():
        for index in range(5):  # one at a time: each learns from those before it
            path = folder / f"story-{index}.txt"
            path.write_text(article(index), encoding="utf-8")
            intake.offer_file(path)
            wait_for_entries(redis_client, [ARTICLES, DEAD], index + 1)
    records = [entry["data"] for entry in entries(redis_client, ARTICLES)]
    assert entries(redis_client, DEAD) == []
    assert [FOOTER in record["removed"] for record in records] == [False] * 3 + [True] * 2
    for index, record in enumerate(records):
        assert record["title"] == STORIES[index][0]
        assert record["text"].splitlines() == list(STORIES[index][1:]) + [FOOTER] * (index < 3)


def test_stats_keys_hold_the_source_and_fingerprints(redis_client, stats):
    """The counts live in the prefix's keys, one hash per source generation."""
    stats.record("folder:ledger", "a1", [FOOTER])
    [key] = redis_client.keys(KEYS.line_counts("*", "cur"))
    assert redis_client.hget(key, fingerprint(FOOTER)) == b"1"
    assert redis_client.hget(key, "_docs") == b"1"
