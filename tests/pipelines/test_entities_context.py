"""Entities told by their context (issue 14, second round): products and indexes are not
organisations, page furniture and common words are not names, a one-word "person" named
once is a misread word, datelines and postal codes are places, and the mentions of one
name agree on its label. Invented texts and mentions throughout."""

from __future__ import annotations

import pytest

from pipelines.entities.gazetteer import default_gazetteer
from pipelines.entities.merge import merge_mentions
from pipelines.entities.names import clean_surface, is_name
from pipelines.entities.recognizer import EntityRecognizer
from tests.pipelines.entity_helpers import by_key, only, spans_on


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


# --- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Twitter Facebook Reddit Pinterest",  # the share buttons of a page
        "Number FHC/ABJ/03/095/2018",  # a court's reference number
        "IPO",  # a common noun's abbreviation
        "RSS",
    ],
)
def test_page_furniture_and_abbreviations_are_not_names(name: str) -> None:
    """A row of share buttons, a reference number or "IPO" is no entity's name."""
    assert not is_name(name)


@pytest.mark.parametrize("name", ["Twitter", "24/7 Wall St.", "AC/DC", "NATO", "PA"])
def test_names_like_them_still_are(name: str) -> None:
    """One site, a slash without a reference number, an organisation's acronym."""
    assert is_name(name)


def test_a_bracket_left_open_is_no_part_of_the_name() -> None:
    """The model cut "Meridian Composite (MRDC)" inside the brackets."""
    assert clean_surface("Meridian Composite (MRDC") == "Meridian Composite"
    assert clean_surface("Tarrow Index (TRX)") == "Tarrow Index"


def test_a_whole_title_is_told_from_a_name_that_starts_with_one() -> None:
    from pipelines.entities.titles import is_whole_title

    assert is_whole_title("Secretary of State")
    assert not is_whole_title("General Motors")
    assert not is_whole_title("of State")


# --- merging -----------------------------------------------------------------------------


def test_one_word_person_named_once_without_title_is_dropped() -> None:
    """ "Bugs fixed", "Takin'": a one-word person named once and after no title is a
    misread word; one after a title, one named twice and a surname of a full name stay."""
    entities = merge_mentions(
        [
            ("Bugs", "PERSON", "\n"),
            ("Calloway", "PERSON", "mayor"),
            ("Orrin", "PERSON", "said"),
            ("Orrin", "PERSON", ""),
            ("Dora Quill", "PERSON", ""),
            ("Quill", "PERSON", "said"),
        ]
    )
    assert {e.key: e.count for e in entities} == {
        "person:calloway": 1,
        "person:orrin": 2,
        "person:quill": 2,
    }


def test_one_word_person_named_twice_with_no_persons_name_is_dropped() -> None:
    """A game's character or a misread word named twice ("Vexari", "Paranoia"), with a name
    no locale gives people, after no title and with no full name, is no person; a given
    name or a surname named so ("Orrin", "Hartley") stays, as does a name after a title or
    one named three times."""
    mentions = [("Vexari", "PERSON", "picked"), ("Vexari", "PERSON", "")]
    mentions += [("Paranoia", "PERSON", "\n"), ("Paranoia", "PERSON", "")]
    mentions += [("Orrin", "PERSON", "said"), ("Orrin", "PERSON", "")]
    mentions += [("Hartley", "PERSON", "said"), ("Hartley", "PERSON", "")]
    mentions += [("Quorvath", "PERSON", "coach"), ("Quorvath", "PERSON", "")]
    mentions += [("Zelmira", "PERSON", ""), ("Zelmira", "PERSON", ""), ("Zelmira", "PERSON", "")]
    assert {e.key: e.count for e in merge_mentions(mentions)} == {
        "person:orrin": 2,
        "person:hartley": 2,
        "person:quorvath": 2,
        "person:zelmira": 3,
    }


def test_nationality_after_a_lower_case_title_word_stays_a_nationality() -> None:
    """ "hit-or-miss Taiwanese publication": "miss" is no title there."""
    [taiwanese] = merge_mentions([("Taiwanese", "NORP", "miss")])
    assert taiwanese.label == "NORP"


def test_indexes_and_editions_are_products(gazetteer) -> None:
    """Stock indexes, a product's edition and a model number are not organisations."""
    entities = merge_mentions(
        [
            ("Tarrow Index", "ORG"),
            ("Meridian Composite (MRDC", "ORG"),
            ("Pallas Ultra", "ORG"),
            ("Stadium RX7", "ORG"),
            ("Harcourt Securities", "ORG"),
        ],
        gazetteer,
    )
    assert {e.name: e.label for e in entities} == {
        "Tarrow Index": "PRODUCT",
        "Meridian Composite": "PRODUCT",
        "Pallas Ultra": "PRODUCT",
        "Stadium RX7": "PRODUCT",
        "Harcourt Securities": "ORG",
    }


def test_a_names_own_words_give_its_kind(gazetteer) -> None:
    """A compass word after a known place is a part of it ("Osun West", a senatorial
    district); a lower-case word that joins no name's words makes a title."""
    entities = merge_mentions(
        [
            ("Osun West", "PERSON", "representing"),
            ("Rivers after Rivers", "ORG", ""),
            ("Reporters without Borders", "ORG", ""),
        ],
        gazetteer,
    )
    assert {e.key: e.label for e in entities} == {
        "gpe:osun-west": "GPE",
        "work_of_art:rivers-after-rivers": "WORK_OF_ART",
        "org:reporters-without-borders": "ORG",
    }


def test_a_legal_form_inside_a_span_ends_the_company(gazetteer) -> None:
    """ "The Harcourt Corp. Autumn Classic": the sponsor, then its show; "Acme Co. Ltd"
    is one company."""
    entities = merge_mentions(
        [("The Harcourt Corp. Autumn Classic", "ORG", "at"), ("Acme Co. Ltd", "ORG", "")],
        gazetteer,
    )
    assert sorted(e.key for e in entities) == ["org:acme-co", "org:autumn-classic", "org:harcourt"]


def test_two_places_run_together_are_two_places(gazetteer) -> None:
    """ "warned Russia Washington and Europe": the model's one span holds two places; a
    place the gazetteer knows whole ("New York") stays one."""
    entities = merge_mentions([("Russia Washington", "ORG"), ("New York", "ORG", "in")], gazetteer)
    assert sorted(e.key for e in entities) == ["gpe:new-york", "gpe:russia", "gpe:washington"]


def test_a_possessive_span_cut_short_is_its_owner(gazetteer) -> None:
    """ "the Harbour Music Hall of Fame's Class of 2026": the model stopped at "of"."""
    [hall] = merge_mentions([("the Harbour Music Hall of Fame’s Class of", "ORG")], gazetteer)
    assert (hall.key, hall.label) == ("org:harbour-music-hall-of-fame", "ORG")


def test_mentions_of_one_name_agree_that_it_is_a_person(gazetteer) -> None:
    """A byline "Ingrid Calloway" read as a facility joins "Mayor Calloway"; "the Chronicle"
    read as a person does not make "San Francisco Chronicle" one."""
    entities = merge_mentions(
        [
            ("Ingrid Calloway", "FAC", "\n"),
            ("Calloway", "ORG", "mayor"),
            ("The Harbour Chronicle", "ORG", ""),
            ("Chronicle", "PERSON", "the"),
        ],
        gazetteer,
    )
    calloway = only(entities, "person:calloway")
    assert (calloway.name, calloway.count) == ("Ingrid Calloway", 2)
    assert "org:harbour-chronicle" in by_key(entities)


def test_one_word_product_or_facility_after_in_is_a_town(gazetteer) -> None:
    """ "in Gladstone" read as a product: an unknown town; a street after "in" stays."""
    entities = merge_mentions(
        [
            ("Kelbrook", "PRODUCT", "in"),
            ("Quay Street", "FAC", "in"),
        ],
        gazetteer,
    )
    assert {e.name: e.label for e in entities} == {"Kelbrook": "GPE", "Quay Street": "FAC"}


# --- the lexicon -------------------------------------------------------------------------


def test_lexicon_reads_the_models_word_index(recognizer: EntityRecognizer) -> None:
    """Common words from the model's lemmatizer tables, plurals by their singular."""
    from pipelines.entities.lexicon import Lexicon

    lexicon: Lexicon = recognizer.lexicon
    assert lexicon.knows("Story") and lexicon.knows("challenges")
    assert not lexicon.knows("Brackwater")
    assert lexicon.only_a_verb_or_adjective("ATTEND")
    assert not lexicon.only_a_verb_or_adjective("visit")  # a noun too


def test_lexicon_is_empty_without_the_tables(tmp_path) -> None:
    """A model without a lemmatizer gives an empty lexicon: no rule drops anything."""
    from pipelines.entities.lexicon import Lexicon, load_lexicon

    assert load_lexicon(tmp_path) == Lexicon()
    assert not Lexicon().knows("story")


# --- the recognizer ----------------------------------------------------------------------


def test_products_are_told_by_their_context(recognizer: EntityRecognizer) -> None:
    """A name before "browser", "port", "models", after a size in inches, or coordinated
    with such a name, is a product; its maker stays an organisation."""
    text = (
        "Apple plans to release a new 13-inch MacBook Pro next year, and the 16-inch "
        "MacBook Pro gets a new keyboard. All MacBook Pro and MacBook Air models will "
        "change. Those who play through the Chrome browser see 60fps, Google said."
    )
    labels = {e.name: e.label for e in recognizer(text)}
    assert labels["Apple"] == "ORG"
    assert labels["Google"] == "ORG"
    assert labels["MacBook Pro"] == "PRODUCT"
    assert labels["MacBook Air"] == "PRODUCT"
    assert labels["Chrome"] == "PRODUCT"


def test_a_name_after_an_organisation_noun_is_an_organisation(recognizer) -> None:
    """ "the journal Tidal Letters", "the website Harbourgist": a name the model read as a
    work, a product or a place, written after "the" and a noun that names a kind of
    organisation, is an organisation; after a noun of a work ("the podcast Tidal Letters")
    the model's label stays."""
    from pipelines.entities.context import entity_mentions

    text = (
        "The study was published in the journal Tidal Letters and first reported by the"
        " website Harbourgist; the journal Brackwater Case Notes ran a reply."
    )
    spans = [("Tidal Letters", "WORK_OF_ART"), ("Harbourgist", "GPE")]
    spans += [("Brackwater Case Notes", "PRODUCT")]
    ents = spans_on(recognizer, text, spans)
    found = entity_mentions(ents, text, recognizer.lexicon, recognizer.gazetteer)
    assert [mention[:2] for _, mention in found] == [
        ("Tidal Letters", "ORG"),
        ("Harbourgist", "ORG"),
        ("Brackwater Case Notes", "ORG"),
    ]
    text = "He said the podcast Tidal Letters was wrong."
    ents = spans_on(recognizer, text, [("Tidal Letters", "WORK_OF_ART")])
    found = entity_mentions(ents, text, recognizer.lexicon, recognizer.gazetteer)
    assert [mention[:2] for _, mention in found] == [("Tidal Letters", "WORK_OF_ART")]


def test_datelines_and_postal_codes_are_places(recognizer: EntityRecognizer) -> None:
    """ "VIENNA — ..." opens a report from Vienna; "Harrisburg, PA." is in Pennsylvania."""
    text = (
        "VIENNA — The council will turn the old customs house into a museum, "
        "officials said on Monday.\n\n"
        "The collection travels next year to a show in Harrisburg, PA. It opens in May."
    )
    keys = by_key(recognizer(text))
    assert keys["gpe:vienna"][0].label == "GPE"
    assert keys["gpe:pennsylvania"][0].label == "GPE"


def _kept_spans(recognizer: EntityRecognizer, text: str, spans: list[tuple[str, str]]):
    """The mentions kept of the given (text, label) spans, set on the model's own Doc of
    ``text`` (the spans the small model gives on some pages, where it gives them)."""
    from pipelines.entities.context import entity_mentions

    ents = spans_on(recognizer, text, spans)
    return [mention[:2] for _, mention in entity_mentions(ents, text, recognizer.lexicon)]


def test_page_lines_titles_and_shouted_words_are_not_names(
    recognizer: EntityRecognizer,
) -> None:
    """ "Next Story" alone on its line, the "State" of "Secretary of State" and a shouted
    "ATTEND" are no names; the people, the department and a byline stay."""
    text = (
        "U.S. Secretary of State John Kerry met Sergei Lavrov on Friday.\n"
        "ATTEND the county show on Saturday, organisers said.\n"
        "State Department spokeswoman Jen Psaki said talks would go on.\n"
        "Tom Brown\n"
        "Next Story\n"
        "Related Coverage\n"
    )
    spans = [
        ("State", "ORG"),
        ("John Kerry", "PERSON"),
        ("ATTEND", "ORG"),
        ("State Department", "ORG"),
        ("Tom Brown", "PERSON"),
        ("Next Story", "PERSON"),
        ("Related Coverage", "ORG"),
    ]
    assert _kept_spans(recognizer, text, spans) == [
        ("John Kerry", "PERSON"),
        ("State Department", "ORG"),
        ("Tom Brown", "PERSON"),
    ]


def test_a_title_in_quotation_marks_is_no_person(recognizer: EntityRecognizer) -> None:
    """News copy writes films, shows and books in quotation marks: a "person" that is all
    a pair of them holds is a title; a name quoted inside a sentence stays a person."""
    text = (
        "The service carries classic films, including “Mary Poppins” and “Bambi.” "
        "“We asked Nadia Orlov first,” the producer said."
    )
    model = {e.text: e.label_ for e in recognizer.nlp(text).ents}
    assert model["Mary Poppins"] == "PERSON"  # the premise
    entities = recognizer(text)
    assert only(entities, "work_of_art:mary-poppins").label == "WORK_OF_ART"
    assert only(entities, "person:orlov").label == "PERSON"


def test_a_person_before_a_building_word_is_the_building(recognizer: EntityRecognizer) -> None:
    """ "Edwin Marsh hospital", "the Ruth Calder arena": a place named after a person,
    not the person."""
    for text, name in [
        (
            "The president made an unscheduled trip to Edwin Marsh hospital on Saturday.",
            "edwin-marsh",
        ),
        ("The band closes its tour at the Ruth Calder arena in July.", "ruth-calder"),
    ]:
        assert [e.label_ for e in recognizer.nlp(text).ents][0] == "PERSON"  # the premise
        keys = by_key(recognizer(text))
        assert f"fac:{name}" in keys and f"person:{name.split('-')[1]}" not in keys


def test_a_city_before_a_common_noun_says_where_a_company_is(
    recognizer: EntityRecognizer,
) -> None:
    """ "The Spokane company", "the Burbank entertainment giant": the city, not an
    organisation named so; a platform so written ("the Amazon retail giant") stays one."""
    for text, key in [
        ("The Spokane company said profits rose.", "gpe:spokane"),
        ("Shares fell after the Burbank entertainment giant launched a service.", "gpe:burbank"),
        ("Analysts said the Amazon retail giant would bid.", "org:amazon"),
    ]:
        assert [e.label_ for e in recognizer.nlp(text).ents] == ["ORG"]  # the premise
        assert [e.key for e in recognizer(text)] == [key]
