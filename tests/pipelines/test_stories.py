"""Tests for pipelines.dedup.stories: story features and similarity, source families."""

from __future__ import annotations

import pytest

from pipelines.article import Entity, Source
from pipelines.dedup.stories import (
    StoryConfig,
    canonical_url,
    distinctive_terms,
    family_keys,
    same_story,
    story_features,
    story_similarity,
)

CONFIG = StoryConfig()
FLOOD = (
    "The Brackwater harbour was evacuated as floodwater rose. Floodwater reached the "
    "harbour wall by noon, and the evacuation of the harbour continued overnight."
)


def entity(key: str, label: str, count: int = 2) -> Entity:
    return Entity(
        name=key.split(":")[1], key=key, label=label, count=count, mentions=[key.split(":")[1]]
    )


class TestFeatures:
    def test_entities_weighted_by_label_and_repeated_long_words(self):
        """People weigh more than places; repeated long words become terms."""
        found = story_features(
            [entity("person:hartigan", "PERSON"), entity("gpe:brackwater", "GPE")], FLOOD, CONFIG
        )
        assert found["person:hartigan"] > found["gpe:brackwater"] > 0
        assert "term:floodwater" in found and "term:harbour" in found

    def test_entity_names_and_common_words_are_not_terms(self):
        """A word of an entity's name, or a frequent English word, is never a term."""
        terms = distinctive_terms(FLOOD + " Brackwater Brackwater", {"brackwater"}, 10)
        assert "brackwater" not in terms and "according" not in terms

    def test_only_the_most_mentioned_entities_count(self):
        """Of many entities only the `entities` most mentioned are kept."""
        many = [entity(f"person:p{n}", "PERSON", count=n) for n in range(30)]
        found = story_features(many, "", StoryConfig(entities=3))
        assert set(found) == {"person:p29", "person:p28", "person:p27"}


class TestSimilarity:
    def test_weighted_jaccard(self):
        """Shared weight over the weight of the union."""
        a = {"person:x": 3.0, "gpe:y": 1.0}
        b = {"person:x": 3.0, "org:z": 2.0}
        assert story_similarity(a, b) == pytest.approx(3.0 / 6.0)
        assert story_similarity(a, {}) == 0.0

    def test_same_story_needs_enough_shared_entities(self):
        """Similar enough but too few shared entities is not one story."""
        a = {"person:x": 3.0, "term:flood": 1.0}
        assert same_story(a, dict(a), CONFIG) is None
        b = {"person:x": 3.0, "person:y": 3.0, "gpe:z": 1.0}
        assert same_story(b, dict(b), CONFIG) == 1.0


class TestFamilies:
    def test_files_of_one_folder_share_a_family(self):
        """Two files of one folder share a family; another folder does not."""
        a = family_keys(Source(type="file", path="/in/nyt/a.txt"), None, None)
        b = family_keys(Source(type="file", path="/in/nyt/b.txt"), None, None)
        c = family_keys(Source(type="file", path="/in/bbc/a.txt"), None, None)
        assert set(a) & set(b) and not set(a) & set(c)

    def test_url_variants_and_headlines(self):
        """One page under scheme, www, query and slash variants, or one headline, is one family."""
        assert canonical_url("https://www.Example.com/news/a/?utm=x#top") == "example.com/news/a"
        a = family_keys(Source(type="url", url="http://example.com/news/a"), None, None)
        b = family_keys(Source(type="url"), "https://www.example.com/news/a/", None)
        assert a == b
        title = "Kerry Begins Talks in London"
        t1 = family_keys(Source(type="url", url="http://a.com/1"), None, title)
        t2 = family_keys(Source(type="url", url="http://b.com/2"), None, title.upper())
        assert set(t1) & set(t2)
        assert len(family_keys(Source(type="url"), None, "Short title")) == 0
