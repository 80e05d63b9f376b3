"""Entities in the conventions of news copy (issue 14, third round, from 24 more dev texts):
results lists put scores and tallies after names, members of Congress carry a party and
a state ("R-W.Va."), newspapers are named like places and people, a title names one
person of a list, and an acronym is no other spelling of a city. Invented texts."""

from __future__ import annotations

import pytest

from pipelines.entities.names import normalise_name
from pipelines.entities.recognizer import EntityRecognizer
from tests.pipelines.entity_helpers import by_key


@pytest.mark.parametrize(
    ("mention", "label", "name"),
    [
        ("Marek Ondrasik 6-4", "PERSON", "Marek Ondrasik"),  # a tennis result
        ("Lina Hartwell 12", "PERSON", "Lina Hartwell"),  # points in a box score
        ("Holloway’s 2016", "PERSON", "Holloway"),  # "Holloway's 2016 campaign"
        ("Brackwater 2-1", "ORG", "Brackwater"),  # a club's result
        ("the Harbour Trust and", "ORG", "Harbour Trust"),  # ran on into the next words
        ("a White House", "ORG", "White House"),  # "a White House official"
    ],
)
def test_what_follows_a_name_in_copy_is_no_part_of_it(mention: str, label: str, name: str):
    assert normalise_name(mention, label) == name


@pytest.mark.parametrize("name", ["Channel 4", "Formula 1", "A Tribe Called Quest"])
def test_names_that_hold_a_number_or_an_article_keep_it(name: str):
    assert normalise_name(name, "ORG") == name


def test_scores_never_become_a_persons_key(recognizer: EntityRecognizer):
    text = (
        "Results from the Carrowby Open on Sunday.\n\n"
        "Marek Ondrasik def. Tomas Lindqvist 6-4, 7-5. Anton Berisha def. Marek Ondrasik 6-2.\n"
        "Top scorers: Lina Hartwell 12, Dora Mbeki 9, Lina Hartwell 4 rebounds."
    )
    keys = by_key(recognizer(text))
    assert not any(any(c.isdigit() for c in key) for key in keys), sorted(keys)
    assert "person:ondrasik" in keys and "person:hartwell" in keys


def test_a_members_party_and_state_names_the_state(recognizer: EntityRecognizer):
    text = (
        "Rep. Dana Whitfield, R-W.Va., and Sen. Owen Marsh (D-Minn.) asked for the report. "
        "Rep. Carla Ruiz, D-Texas, said the hearing would go ahead."
    )
    keys = by_key(recognizer(text))
    for state in ("gpe:west-virginia", "gpe:minnesota", "gpe:texas"):
        assert state in keys, sorted(keys)
        assert keys[state][0].label == "GPE"


def test_a_title_names_one_person_of_a_list(recognizer: EntityRecognizer):
    """ "Sen. Cory Booker, Hawaii Rep. ...": "Hawaii" is not after "Sen." as a name is."""
    text = (
        "New Jersey Sen. Cory Booker, Hawaii Rep. Tulsi Gabbard and businessman Andrew Yang "
        "spoke on Tuesday."
    )
    keys = by_key(recognizer(text))
    assert "gpe:hawaii" in keys, sorted(keys)
    assert not any(key.startswith("person:haw") for key in keys)


def test_newspapers_named_like_places_and_people_are_organisations(
    recognizer: EntityRecognizer,
):
    text = (
        "The Kansas City Star and the Hartford Courant were sold on Monday, the Miami Herald "
        "reported. The chain also owns the Brackwater Gazette."
    )
    labels = {e.name: e.label for e in recognizer(text)}
    for paper in ("Kansas City Star", "Hartford Courant", "Miami Herald", "Brackwater Gazette"):
        assert labels.get(paper) == "ORG", labels


def test_an_acronym_is_no_other_spelling_of_a_city(recognizer: EntityRecognizer):
    """ "Daca" is an old spelling of Dhaka; DACA is a programme."""
    text = "The company is a strong advocate for DACA, its chief executive said in Dhaka."
    keys = by_key(recognizer(text))
    assert keys.get("gpe:dhaka", [None])[0] is not None
    assert all("DACA" not in e.mentions for e in keys["gpe:dhaka"])


@pytest.mark.parametrize(
    ("name", "label", "repaired"),
    [
        ("Moscone Center", "GPE", "FAC"),  # what the model called a place is a building
        ("Kansas City Star", "GPE", "ORG"),
        ("Hartford Courant", "FAC", "ORG"),
        ("Kansas City", "GPE", "GPE"),  # a known place stays one
    ],
)
def test_a_places_last_word_can_say_it_is_none(name: str, label: str, repaired: str):
    from pipelines.entities.gazetteer import default_gazetteer
    from pipelines.entities.labels import repair_label
    from pipelines.entities.mentions import MentionGroup

    group = MentionGroup(first=0)
    group.add(0, name, name, label, "the")
    assert repair_label(label, name, [group], default_gazetteer()) == repaired


def test_a_first_name_alone_is_the_one_person_who_has_it(recognizer: EntityRecognizer):
    """ "Marta" after "Marta Kowalczyk" is her; with two people of one first name, neither."""
    text = (
        'Marta Kowalczyk opened the harbour wall on Monday. "We owe Marta a great deal," '
        "the council said. Later Marta thanked the builders.\n\n"
        "Olek Brandt and Olek Sayer, two of the builders, spoke too. Olek left early."
    )
    keys = by_key(recognizer(text))
    marta = keys["person:kowalczyk"][0]
    assert "Marta" in marta.mentions and "person:marta" not in keys, sorted(keys)
    assert all("Olek" not in e.mentions for k in ("person:brandt", "person:sayer") for e in keys[k])


def test_an_agency_cut_at_its_and_is_made_whole(recognizer: EntityRecognizer):
    """The model's "Customs" and "Border Protection" are one agency; "Apple" and "Google
    Maps" stay two names."""
    from pipelines.entities.whole_spans import joined_agencies

    def spans(text: str, *names: str):
        doc = recognizer.nlp.make_doc(text)
        return [doc.char_span(text.index(n), text.index(n) + len(n), label="ORG") for n in names]

    agency = spans(
        "Officers of Customs and Border Protection came.", "Customs", "Border Protection"
    )
    assert [s.text for s in joined_agencies(agency, recognizer.lexicon)] == [
        "Customs and Border Protection"
    ]
    names = spans("Both Apple and Google Maps declined.", "Apple", "Google Maps")
    assert [s.text for s in joined_agencies(names, recognizer.lexicon)] == ["Apple", "Google Maps"]


def test_a_short_name_is_the_one_organisation_whose_name_starts_with_it():
    """ "Alden" after "Alden Capital" is the firm; a town, a nationality or the body that a
    committee belongs to keep their own entities."""
    from pipelines.entities.gazetteer import default_gazetteer
    from pipelines.entities.merge import merge_mentions

    mentions = [
        ("Alden Capital", "ORG", "firm"),
        ("Alden", "GPE", ""),  # the model's "place"
        ("Brackwater Borough Council", "ORG", "the"),
        ("Brackwater", "GPE", "in"),
        ("Russian Defense Ministry", "ORG", "the"),
        ("Russian", "NORP", ""),
        ("U.S. House Intelligence Committee", "ORG", "the"),
        ("U.S. House", "ORG", "the"),
    ]
    keys = by_key(merge_mentions(mentions, default_gazetteer()))
    assert keys["org:alden-capital"][0].mentions == ["Alden Capital", "Alden"]
    assert "gpe:alden" not in keys
    for kept in ("gpe:brackwater", "norp:russian", "org:us-house"):
        assert kept in keys, sorted(keys)


@pytest.mark.parametrize(
    ("name", "repaired"),
    [
        ("Harbourline A10 Fusion", "PRODUCT"),  # a model number in the name: a product
        ("Kelby RAV4 Hybrid", "PRODUCT"),
        ("Universal USB", "PRODUCT"),  # a technology in the name: a product
        ("GSM Unlocked Phones", "PRODUCT"),
        ("21st Century Harbour", "ORG"),  # an ordinal is no model number
        ("Brackwater Holdings", "ORG"),
    ],
)
def test_a_model_number_or_a_technology_makes_a_product(name: str, repaired: str):
    """Spec sheets and deals lists name parts and features the model calls companies."""
    from pipelines.entities.labels import repair_label
    from pipelines.entities.mentions import MentionGroup

    group = MentionGroup(first=0)
    group.add(0, name, name, "ORG", "")
    assert repair_label("ORG", name, [group], None) == repaired


def test_abbreviations_of_common_words_are_no_organisations(recognizer: EntityRecognizer):
    """Sports, chat and car copy abbreviate common words (a touchdown, not ranked, a
    direct message, all-wheel drive) and the model reads them as organisations' acronyms;
    a time zone is no place or organisation either. A real acronym stays."""
    text = (
        "Kick-off is at 19:45 GMT. Dorsey threw a TD in the first half, and the Owls, NR "
        "last week, won. Send us a DM with your questions. The AWD version costs more, "
        "the NTSB said."
    )
    model = {e.text: e.label_ for e in recognizer.nlp(text).ents}
    assert {model["TD"], model["NR"], model["DM"], model["AWD"]} == {"ORG"}  # the premise
    keys = by_key(recognizer(text))
    assert not {"org:td", "org:nr", "org:dm", "org:awd", "org:gmt"} & keys.keys()
    assert "org:ntsb" in keys
