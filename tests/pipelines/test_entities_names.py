"""The named-entity stage's names: normalising, keying and merging invented mentions, no model."""

from __future__ import annotations

import pytest

from pipelines.article import Entity
from pipelines.entities.folding import fold
from pipelines.entities.keys import entity_key
from pipelines.entities.labels import vote_label
from pipelines.entities.merge import merge_mentions
from pipelines.entities.names import (
    clean_surface,
    first_names_compatible,
    normalise_name,
    person_parts,
)
from tests.pipelines.entity_helpers import only

# --- normalising -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("Tobias Wren's", "Tobias Wren"),
        ("Wren’s", "Wren"),
        ("the Harbour Trustees'", "the Harbour Trustees"),
        ("“Zembla,", "Zembla"),
        ("Ilse \n  Varga", "Ilse Varga"),
        ("U.S.", "U.S."),
    ],
)
def test_clean_surface_strips_possessive_quotes_and_spaces(surface: str, expected: str) -> None:
    """A surface form loses its possessive, surrounding quotes and extra whitespace only."""
    assert clean_surface(surface) == expected


@pytest.mark.parametrize(
    ("mention", "label", "expected"),
    [
        ("Mr. Wren", "PERSON", "Wren"),
        ("Ms Varga's", "PERSON", "Varga"),
        ("Prime Minister Ilse Varga", "PERSON", "Ilse Varga"),
        ("Foreign Minister Ansel Brooke", "PERSON", "Ansel Brooke"),
        ("Secretary of State Dora Quill", "PERSON", "Dora Quill"),
        ("Secretary General Otto Brandt", "PERSON", "Otto Brandt"),
        ("Sen. Dora Quill", "PERSON", "Dora Quill"),
        ("President Kestrel", "ORG", "Kestrel"),
        ("Sir Ansel Brooke", "PERSON", "Ansel Brooke"),
        ("General Anders Holm", "PERSON", "Anders Holm"),
        ("General Motors", "ORG", "General Motors"),
        ("the Harbour Trustees", "ORG", "Harbour Trustees"),
        ("The Brackwater Gazette", "ORG", "Brackwater Gazette"),
        ("the President", "PERSON", ""),
    ],
)
def test_normalise_name_strips_the_and_titles(mention: str, label: str, expected: str) -> None:
    """A leading "the " and titles go (ambiguous ones only from a PERSON); a lone title is empty."""
    assert normalise_name(mention, label) == expected


def test_key_folds_accents_case_and_punctuation() -> None:
    """Keys are lowercase ASCII with "-" for other characters; a person's key is the surname."""
    assert entity_key("PERSON", "José Núñez") == "person:nunez"
    assert entity_key("PERSON", "Martin Øster Jr.") == "person:oster"
    assert entity_key("ORG", "State Department") == "org:state-department"
    assert entity_key("GPE", "U.S.") == entity_key("GPE", "US") == "gpe:us"
    assert entity_key("WORK_OF_ART", "Łódź Nights") == "work_of_art:lodz-nights"
    assert fold("O’Brien & Sons") == "obrien-sons"


def test_person_parts_ignore_middle_initials_and_suffixes() -> None:
    """First name and surname are found whatever the middle initials and suffixes."""
    assert person_parts("Mikhail V. Dorokhin") == ("mikhail", "dorokhin")
    assert person_parts("Mikhail V Dorokhin") == ("mikhail", "dorokhin")
    assert person_parts("Anders Holm III") == ("anders", "holm")
    assert person_parts("Dorokhin") == ("", "dorokhin")


def test_first_names_compatible() -> None:
    """Initials and spelling variants of one first name fit; different first names do not."""
    assert first_names_compatible("mikhail", "m")
    assert first_names_compatible("sergey", "sergei")
    assert first_names_compatible("mikhail", "mihail")
    assert not first_names_compatible("joe", "jill")
    assert not first_names_compatible("otto", "carla")


# --- merging -----------------------------------------------------------------------------


def test_possessive_mentions_merge_and_are_listed_without_it() -> None:
    """ "Tobias Wren's" and "Wren's" are one person listed as "Tobias Wren" and "Wren"."""
    [wren] = merge_mentions([("Tobias Wren's", "PERSON"), ("Wren's", "PERSON"), ("Wren", "PERSON")])
    assert wren == Entity(
        name="Tobias Wren",
        key="person:wren",
        label="PERSON",
        count=3,
        mentions=["Tobias Wren", "Wren"],
    )


def test_an_organisation_owning_another_is_two_when_it_is_named_alone_too() -> None:
    """ "NASA's Office of the Inspector General" beside "NASA" is NASA and the office; a
    company named with its possessive everywhere ("Harlow's Corporation") stays one."""
    entities = merge_mentions(
        [("NASA's Office of the Inspector General", "ORG"), ("NASA", "ORG")]
        + [("Harlow's Corporation", "ORG")]
    )
    assert sorted(e.name for e in entities) == [
        "Harlow's Corporation",
        "NASA",
        "Office of the Inspector General",
    ]
    assert next(e for e in entities if e.name == "NASA").count == 2


def test_titled_mentions_merge_into_the_full_name() -> None:
    """Titles are dropped for the merge but kept in the surface forms."""
    [varga] = merge_mentions(
        [("Foreign Minister Ilse Varga", "PERSON"), ("Ms. Varga", "PERSON"), ("Varga", "PERSON")]
    )
    assert (varga.name, varga.key, varga.count) == ("Ilse Varga", "person:varga", 3)
    assert varga.mentions == ["Foreign Minister Ilse Varga", "Ms. Varga", "Varga"]


def test_surname_and_spelling_variants_are_one_person() -> None:
    """Full names with one surname and a compatible first name, and the bare surname, merge."""
    entities = merge_mentions(
        [
            ("Dorokhin", "PERSON"),
            ("Mikhail V Dorokhin", "PERSON"),
            ("Mihail Dorokhin", "PERSON"),
            ("Dorokhin", "ORG"),
            ("Mikhail V. Dorokhin", "PERSON"),
            ("Zembla", "GPE"),
        ]
    )
    dorokhin = only(entities, "person:dorokhin")
    assert dorokhin.label == "PERSON"
    assert dorokhin.count == 5
    assert dorokhin.name == "Mikhail V. Dorokhin"
    assert dorokhin.mentions == [
        "Dorokhin",
        "Mikhail V Dorokhin",
        "Mihail Dorokhin",
        "Mikhail V. Dorokhin",
    ]
    assert len(entities) == 2


def test_ambiguous_surname_is_left_alone() -> None:
    """A surname shared by two different full names merges into neither."""
    entities = merge_mentions(
        [
            ("Carla Brandt", "PERSON"),
            ("Otto Brandt", "PERSON"),
            ("Brandt", "PERSON"),
            ("Brandt", "PERSON"),
            ("Otto Brandt", "PERSON"),
        ]
    )
    assert [(e.name, e.count, e.mentions) for e in entities] == [
        ("Brandt", 2, ["Brandt"]),
        ("Otto Brandt", 2, ["Otto Brandt"]),
        ("Carla Brandt", 1, ["Carla Brandt"]),
    ]


def test_surname_that_is_a_place_is_not_merged() -> None:
    """A bare name the model calls a place stays a place even if a person has it as surname."""
    entities = merge_mentions([("Edwin Dunmore", "PERSON"), ("Dunmore", "GPE"), ("Dunmore", "GPE")])
    assert only(entities, "gpe:dunmore").count == 2
    assert only(entities, "person:dunmore").mentions == ["Edwin Dunmore"]


def test_surname_match_counts_as_person_vote() -> None:
    """A bare surname labelled ORG joins its person and votes PERSON."""
    [varga] = merge_mentions(
        [("Ilse Varga", "PERSON"), ("Varga", "ORG"), ("Varga", "ORG"), ("Varga", "ORG")]
    )
    assert (varga.label, varga.key, varga.count) == ("PERSON", "person:varga", 4)


def test_same_name_under_different_labels_is_one_entity_by_majority() -> None:
    """One name seen under several labels is one entity labelled by majority vote."""
    [vellmark] = merge_mentions([("Vellmark", "ORG"), ("Vellmark", "PERSON"), ("Vellmark", "ORG")])
    assert (vellmark.label, vellmark.key, vellmark.count) == ("ORG", "org:vellmark", 3)
    [guild] = merge_mentions(
        [("the Tanners Guild", "ORG"), ("Tanners Guild", "PERSON"), ("Tanners Guild", "ORG")]
    )
    assert (guild.label, guild.count) == ("ORG", 3)


def test_label_vote_ties_and_place_over_org() -> None:
    """Ties go PERSON > GPE > ORG > others; a single-word place beats the model's ORG."""
    assert vote_label({"ORG": 2, "GPE": 2}) == "GPE"
    assert vote_label({"GPE": 1, "PERSON": 1}) == "PERSON"
    assert vote_label({"ORG": 1, "NORP": 1}) == "ORG"
    assert vote_label({"LOC": 1, "FAC": 1}) == "LOC"
    assert vote_label({"ORG": 5, "GPE": 1}) == "ORG"
    assert vote_label({"ORG": 5, "GPE": 1}, single_token=True) == "GPE"
    [zembla] = merge_mentions([("Zembla", "ORG")] * 5 + [("Zembla", "GPE")])
    assert (zembla.label, zembla.key, zembla.count) == ("GPE", "gpe:zembla", 6)
    [acronym] = merge_mentions([("ZNF", "ORG")] * 3 + [("ZNF", "GPE")])
    assert acronym.label == "ORG"


def test_dropped_labels_and_non_names() -> None:
    """Dates, numbers and money are dropped, and so are a lone stop word and a bare title."""
    entities = merge_mentions(
        [
            ("Tuesday", "DATE"),
            ("$5 million", "MONEY"),
            ("third", "ORDINAL"),
            ("200", "CARDINAL"),
            ("”“We", "PERSON"),
            ("the President", "PERSON"),
            ("Brackwater", "GPE"),
        ]
    )
    assert [e.key for e in entities] == ["gpe:brackwater"]


def test_name_is_the_fullest_form_and_entities_sort_by_count() -> None:
    """The name has most tokens, then most letters; entities sort by count, then name."""
    entities = merge_mentions(
        [
            ("BRACKWATER", "GPE"),
            ("Brackwater", "GPE"),
            ("Ansel Brooke", "PERSON"),
            ("Ansel J. Brooke", "PERSON"),
            ("Brooke", "PERSON"),
            ("Anvil", "ORG"),
            ("Zembla", "GPE"),
        ]
    )
    assert [(e.name, e.count) for e in entities] == [
        ("Ansel J. Brooke", 3),
        ("Brackwater", 2),
        ("Anvil", 1),
        ("Zembla", 1),
    ]
