"""News outlets named like newspapers (issue 14, seventh round): written after "the" and
ending in a newspaper's word, they are organisations whatever the model read, a place in
them included; an outlet the model calls a work is an organisation. Invented texts."""

from __future__ import annotations

from pipelines.entities.outlets import copyright_holders, outlet_spans
from pipelines.entities.recognizer import EntityRecognizer


def test_an_outlet_after_a_reporting_verb_is_an_organisation(recognizer: EntityRecognizer):
    text = (
        '"We will rebuild the pier by summer," Marta Kowalczyk, the harbour master, tells'
        " The Hollywood Reporter. She said the same in an email to the Brackwater Courier"
        " that week."
    )
    entities = {e.name: e for e in recognizer(text)}

    assert entities.get("Hollywood Reporter") is not None, sorted(entities)
    assert entities["Hollywood Reporter"].label == "ORG"
    assert "Hollywood" not in entities, sorted(entities)
    assert entities.get("Brackwater Courier") is not None, sorted(entities)
    assert entities["Brackwater Courier"].label == "ORG"


def test_only_names_after_the_and_ending_in_a_newspaper_word_are_outlets():
    import spacy

    blank = spacy.blank("en")
    for text in ("Meet me at the Harbour Times Square.", "The Times said so on Monday."):
        assert outlet_spans(blank(text)) == [], text
    text = "He told the St. Louis Post-Dispatch and the Kelby Evening Star on Monday."
    found = [span.text for span in outlet_spans(blank(text))]
    assert found == ["St. Louis Post-Dispatch", "Kelby Evening Star"]


def test_a_site_cited_by_its_address_is_an_organisation():
    """A capitalised address with no path is a site ("Brackwatertoday.com", "Harbour.news");
    a file named so ("Report.pdf", "Main.py") or an address with "www." or a path is not."""
    import spacy

    blank = spacy.blank("en")
    text = (
        "Brackwatertoday.com first reported the closure, and Harbour.news followed; the"
        " council posted Report.pdf and Main.py at www.brackwater.gov and Pier.org/closure."
    )
    spans = outlet_spans(blank(text))

    assert [(span.text, span.label_) for span in spans] == [
        ("Brackwatertoday.com", "ORG"),
        ("Harbour.news", "ORG"),
    ]


def test_a_site_cited_by_its_address_is_kept_and_a_web_address_is_not(
    recognizer: EntityRecognizer,
):
    text = (
        "Brackwatertoday.com first reported the closure on Monday, and the council posted"
        " its notice at www.brackwater.gov/notices the same day."
    )
    keys = {e.key for e in recognizer(text)}

    assert "org:brackwatertodaycom" in keys, keys
    assert not any("brackwater-gov" in key or "notices" in key for key in keys), keys


def test_a_copyright_lines_holder_is_an_organisation(recognizer: EntityRecognizer):
    """ "Copyright 2026 Harbour News Now. All rights reserved.": the holder a copyright line
    names after its year is an organisation, which the model reads as an event or misses;
    a mark with no year ("© Tamsin Lowry", a photographer's credit) is left to the model."""
    import spacy

    text = (
        "The pier reopened on Monday.\n\nCopyright 2026 Harbour News Now. All rights"
        " reserved.\n© 2019-2026 The Kelby Evening Gazette and Tarn Radio, Inc.\n© Tamsin Lowry"
    )
    holders = [(span.text, span.label_) for span in copyright_holders(spacy.blank("en")(text))]
    assert holders == [
        ("Harbour News Now", "ORG"),
        ("Kelby Evening Gazette and Tarn Radio", "ORG"),
    ]
    names = {e.name: e.label for e in recognizer(text)}
    assert names.get("Harbour News Now") == "ORG", names
