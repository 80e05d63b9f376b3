"""Platforms and products news names every day that the small model misses or misreads
(issue 14, sixth round): platforms are organisations wherever they are written, products
are no organisations. Invented texts."""

from __future__ import annotations

import pytest

from pipelines.entities.brands import missed_platforms
from pipelines.entities.recognizer import EntityRecognizer
from tests.pipelines.entity_helpers import by_key

TEXT = (
    "The Harbour Board posted the timetable on Facebook, Twitter and Instagram on Monday. "
    "Brackwater's film club wants to take on Netflix at its own game, its chair said, and "
    "NASA picked SpaceX for the second flight."
)


def test_platforms_are_organisations(recognizer: EntityRecognizer):
    spans = {ent.text: ent.label_ for ent in recognizer.nlp(TEXT).ents}
    # The premise: the model misses or misreads some of them.
    assert any(spans.get(name) != "ORG" for name in ("Facebook", "Twitter", "Netflix", "SpaceX"))

    keys = set(by_key(recognizer(TEXT)))

    assert {"org:facebook", "org:twitter", "org:instagram", "org:netflix", "org:spacex"} <= keys


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (  # outlets, carriers and agencies sources are credited to
            "The harbour's new ferry will run on time, the operator told Eurogamer, though a"
            " spokesperson for Verizon said coverage at the pier was thin. Photo via"
            " Shutterstock.",
            ("Eurogamer", "Verizon", "Shutterstock"),
        ),
        (  # online outlets and wires cited by a name that is no word
            "The ferry will run on time, the operator told ZDNet and Futurism on Monday, and"
            " the harbour master said the same to Yonhap. Disclosure: BGR may earn a"
            " commission.",
            ("ZDNet", "Futurism", "Yonhap", "BGR"),
        ),
    ],
)
def test_sources_news_credits_are_organisations(
    recognizer: EntityRecognizer, text: str, names: tuple[str, ...]
):
    spans = {ent.text: ent.label_ for ent in recognizer.nlp(text).ents}
    assert any(spans.get(name) != "ORG" for name in names)  # the premise: some misread

    keys = set(by_key(recognizer(text)))

    assert {f"org:{name.lower()}" for name in names} <= keys


def test_a_platform_after_in_is_no_place(recognizer: EntityRecognizer):
    """ "reported in Eurogamer": the model reads a place, the preposition agrees; the list
    says otherwise."""
    text = "It was reported in Eurogamer that the harbour game runs at 30 frames."
    spans = {ent.text: ent.label_ for ent in recognizer.nlp(text).ents}
    assert spans.get("Eurogamer") == "GPE"  # the premise

    labels = {e.name: e.label for e in recognizer(text)}

    assert labels.get("Eurogamer") == "ORG", labels


def test_a_platform_spelt_like_a_word_is_not_added_at_a_sentence_start(
    recognizer: EntityRecognizer,
):
    doc = recognizer.nlp("Telegram boys once ran up the hill. Today the council uses Telegram.")

    found = missed_platforms(doc, taken=set())

    assert [(doc[start].i, mention[:2]) for start, mention in found] == [
        (len(doc) - 2, ("Telegram", "ORG"))
    ]


def test_products_are_no_organisations(recognizer: EntityRecognizer):
    text = (
        "Brackwater Games said its new title would reach Stadia and Xbox One in March, and a"
        " Chromecast Ultra bundle at the harbour shop."
    )
    entities = recognizer(text)

    assert not [e.name for e in entities if e.label == "ORG" and e.name != "Brackwater Games"]
    assert {"product:stadia", "product:xbox-one"} <= {e.key for e in entities}


def test_a_makers_name_and_more_words_is_its_product(recognizer: EntityRecognizer):
    """ "the Kestrel Harbourbuds" beside "Kestrel": the model reads the headphones as an
    organisation; they are the maker's product, and the maker stays an organisation."""
    text = (
        "Kestrel Inc. makes headphones. Kestrel said on Friday that the Kestrel Harbourbuds "
        "would cost $99, and Kestrel shares rose."
    )
    spans = {ent.text: ent.label_ for ent in recognizer.nlp(text).ents}
    assert spans.get("the Kestrel Harbourbuds") == "ORG"  # the premise

    labels = {e.name: e.label for e in recognizer(text)}

    assert labels.get("Kestrel Harbourbuds") == "PRODUCT", labels
    assert "ORG" in {label for name, label in labels.items() if name.startswith("Kestrel")}


def test_a_makers_parts_and_branches_stay_organisations(recognizer: EntityRecognizer):
    """A maker's leasing arm, its electronics unit and its branch in a country are
    organisations, not products."""
    text = (
        "Orrin Motors unveiled the Orrin Drift on Monday. Orrin Motors Leasing will lend to "
        "buyers. Kestrel shares rose 4% after Kestrel said Kestrel Electronics would make the "
        "screens and Kestrel Canada would sell them."
    )
    spans = {ent.text: ent.label_ for ent in recognizer.nlp(text).ents}
    names = ("Orrin Motors Leasing", "Kestrel Electronics", "Kestrel Canada")
    assert all(spans.get(name) == "ORG" for name in (*names, "Kestrel")), spans  # the premise

    labels = {e.name: e.label for e in recognizer(text)}

    assert all(labels.get(name) == "ORG" for name in names), labels
