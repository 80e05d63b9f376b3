"""Tests for pipelines.dedup.stories: story features and similarity, source families."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipelines.article import Article, Entity, Source
from pipelines.dedup import policy, stories
from pipelines.dedup.stories import (
    StoryConfig,
    canonical_url,
    distinctive_terms,
    family_keys,
    same_story,
    story_features,
    story_similarity,
)
from pipelines.dedup.word_rarity import rarity
from pipelines.entities.recognizer import EntityRecognizer
from pipelines.extract.extractor import extract

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

CONFIG = StoryConfig()
FLOOD = (
    "The Brackwater harbour was evacuated as floodwater rose. Floodwater reached the "
    "harbour wall by noon, and the evacuation of the harbour continued overnight."
)


def entity(key: str, label: str, count: int = 2) -> Entity:
    """An entity as the entities stage gives it, named by its key's second part."""
    return Entity(
        name=key.split(":")[1], key=key, label=label, count=count, mentions=[key.split(":")[1]]
    )


def page(url: str) -> Source:
    return Source(type="url", url=url)


class TestRarity:
    def test_frequent_words_weigh_nothing_rare_ones_most(self):
        """ "said" weighs nothing, "referendum" some, a word no list knows the most."""
        assert rarity("said") == 0.0
        assert 0.0 < rarity("government") < rarity("referendum") < rarity("floodwater")
        assert rarity("brackwater") == 4.0


class TestFeatures:
    def test_rare_names_and_words_outweigh_common_ones(self):
        """A rare surname outweighs a frequent country name; a rare word a common one."""
        found = story_features(
            [entity("person:hartigan", "PERSON"), entity("gpe:china", "GPE")], FLOOD, CONFIG
        )
        assert found["hartigan"] > found["china"] > 0
        assert found["term:floodwater"] > found["term:harbour"] > 0
        assert max(found.values()) == stories.TOP_WEIGHT

    def test_entity_names_and_common_words_are_not_terms(self):
        """A word of an entity's name, or a frequent English word, is never a term."""
        terms = distinctive_terms(FLOOD + " Brackwater Brackwater", {"brackwater"}, 10)
        assert "brackwater" not in terms and "according" not in terms and "floodwater" in terms

    def test_links_handles_and_contractions_are_not_words(self):
        """An embedded post's short link and handle, and "we've", are not terms."""
        text = "We've seen it. pic.twitter.com/xPxUjuYiAC @govkristinoem #methwereonit Noem's"
        assert stories.words(text) == ["seen", "it", "noem"]

    def test_only_the_heaviest_features_count(self):
        """Of many names and words only the `features` heaviest are kept."""
        many = [entity(f"person:zq{chr(97 + n)}", "PERSON", count=n) for n in range(1, 9)]
        found = story_features(many, "", StoryConfig(features=3))
        assert set(found) == {"zqi", "zqh", "zqg"}

    def test_a_name_matches_whatever_label_the_model_gave_it(self):
        """One town labelled a place in one report and a facility in another is one feature."""
        first = story_features([entity("gpe:brackwater", "GPE")], "", CONFIG)
        second = story_features([entity("fac:brackwater", "FAC")], "", CONFIG)
        assert first.keys() == second.keys() == {"brackwater"}

    def test_an_entity_named_often_weighs_more(self):
        """The event's people are named again and again, a passing mention once."""
        found = story_features(
            [entity("person:hartigan", "PERSON", count=6), entity("person:odell", "PERSON", 1)],
            "",
            CONFIG,
        )
        assert found["hartigan"] > found["odell"]

    def test_a_page_names_its_outlet_a_file_does_not(self):
        """A page's host (``www.`` dropped) is a feature of weight 0; a file has none: the
        inbox's folders are not outlets."""
        found = story_features([], FLOOD, CONFIG, source=page("https://www.Tribune.example/a"))
        assert found["site:tribune.example"] == 0.0
        in_file = Source(type="file", path="/inbox/tribune/a.txt")
        assert not any(
            f.startswith("site:") for f in story_features([], FLOOD, CONFIG, source=in_file)
        )


class TestSimilarity:
    def test_cosine(self):
        """The dot product over the product of the norms; the outlet counts for nothing."""
        a = {"hartigan": 3.0, "brackwater": 4.0, "site:a.example": 0.0}
        b = {"hartigan": 3.0, "odell": 4.0}
        assert story_similarity(a, b) == pytest.approx(9.0 / 25.0)
        assert story_similarity(a, a) == 1.0
        assert story_similarity(a, {}) == 0.0

    def test_a_name_in_one_text_matches_the_same_word_in_another(self):
        """The model names "meth" in one report; another only uses the word."""
        a = {"meth": 4.0, "noem": 6.0}
        b = {"term:meth": 4.0, "noem": 6.0}
        assert story_similarity(a, b) == pytest.approx(1.0)
        packed = [stories.unpack_features(stories.pack_features(f)) for f in (a, b)]
        assert story_similarity(*packed) == pytest.approx(1.0)
        assert stories.shared_entities(*packed) == 2

    def test_same_story_needs_enough_shared_entities(self):
        """Similar enough but too few shared entities is not one story."""
        a = {"hartigan": 3.0, "term:flood": 1.0}
        assert same_story(a, dict(a), CONFIG) is None
        b = {"hartigan": 3.0, "odell": 3.0, "brackwater": 1.0}
        assert same_story(b, dict(b), CONFIG) == 1.0

    def test_features_stored_before_bare_names_are_read(self):
        """Features packed by the earlier format (label-prefixed names) unpack and compare
        without error; they match nothing of today's."""
        old = bytearray()
        for name, weight in (("person:hartigan", 30), ("term:floodwater", 10 + 128)):
            old += hashlib.blake2b(name.encode(), digest_size=4).digest() + bytes([weight])
        stored = stories.unpack_features(bytes(old))
        now = stories.unpack_features(stories.pack_features({"hartigan": 3.0}))
        assert story_similarity(now, stored) == 0.0
        assert not stories.same_outlet(now, stored)


class TestQuotations:
    SLOGAN = "The county launched the slogan \u201cFloodwater. We\u2019re on it.\u201d on Monday."
    ECHO = 'Residents mocked the tagline, which reads "Floodwater, we\u2019re on it." in red.'

    def test_the_same_words_quoted_by_two_outlets_match(self):
        """Punctuation and quotation marks aside, five words quoted alike are one quotation;
        a stock phrase in quotes, whose words are common, is none."""
        assert stories.quotations(self.SLOGAN) == stories.quotations(self.ECHO) != []
        assert stories.quotations('He called it "an effort to address the issue" again.') == []

    def test_a_shared_quotation_joins_what_the_threshold_alone_would_not(self):
        """Two reports sharing two names but little else (cosine under the threshold) are one
        story when they quote the same words; without the quotation they are not."""
        names = [entity("gpe:brackwater", "GPE"), entity("person:hartigan", "PERSON")]
        first = story_features(names, FLOOD + " " + self.SLOGAN, CONFIG)
        others = [entity(f"org:quillon{chr(97 + n)}", "ORG", count=6) for n in range(12)]
        second = story_features(names + others, self.ECHO, CONFIG)
        unquoted = story_features(names + others, "Residents mocked the campaign.", CONFIG)
        packed = [stories.unpack_features(stories.pack_features(f)) for f in (first, second)]
        assert story_similarity(*packed) < CONFIG.threshold
        assert stories.shared_entities(*packed) == 2
        assert same_story(*packed, CONFIG) is not None
        assert same_story(first, unquoted, CONFIG) is None

    def test_a_shared_quotation_counts_as_a_shared_name(self):
        """Two reports that share one name and the words they quote are one story (the model
        named "meth" in neither); one name and no quotation is too little."""
        county = [entity("gpe:brackwater", "GPE")]
        first = story_features(county, FLOOD + " " + self.SLOGAN, CONFIG)
        second = story_features(county, self.ECHO, CONFIG)
        packed = [stories.unpack_features(stories.pack_features(f)) for f in (first, second)]
        assert stories.shared_entities(*packed) == 1
        assert same_story(*packed, CONFIG) is not None
        unquoted = story_features(county, "Residents mocked the Brackwater tagline.", CONFIG)
        assert same_story(first, unquoted, CONFIG) is None

    def test_a_quotation_is_no_outlet_and_no_name(self):
        """Quotations weigh nothing, like the outlet, but two articles quoting the same words
        are not one outlet, and a quotation is no shared name."""
        first = stories.unpack_features(
            stories.pack_features(story_features([], self.SLOGAN, CONFIG))
        )
        second = stories.unpack_features(
            stories.pack_features(story_features([], self.ECHO, CONFIG))
        )
        assert stories.shared_quotations(first, second)
        assert not stories.same_outlet(first, second)
        assert stories.shared_entities(first, second) == 0


class TestOutlets:
    def test_no_story_through_an_earlier_article_of_the_same_outlet(self):
        """Two posts of one site on one subject stay apart; a third outlet's report joins
        one of them, and the site's second post is still one story with it through that."""
        text = "Hartigan said the Brackwater floodwater breached the sluices at the harbour."
        people = [entity("person:hartigan", "PERSON"), entity("gpe:brackwater", "GPE")]

        def decide(article_id: str, url: str, earlier: list[policy.Earlier]) -> str:
            features = story_features(people, text, CONFIG, source=page(url))
            probe = policy.Probe(article_id, b"", b"", [], [], features, seen_at=1000.0)
            story = str(policy.story_for(probe, earlier, CONFIG)["story"])
            packed = stories.unpack_features(stories.pack_features(features))
            decision = {"story": story}
            seq = len(earlier)
            earlier.append(
                policy.Earlier(article_id, seq, b"", b"", packed, 1000.0, decision, {"story"})
            )
            return story

        earlier: list[policy.Earlier] = []
        assert decide("a", "https://blog.example/one", earlier) == "a"
        assert decide("b", "https://www.blog.example/two", earlier) == "b"
        assert decide("c", "https://tribune.example/flood", earlier) == "a"
        assert decide("d", "https://blog.example/three", earlier) == "a"


class TestChains:
    @staticmethod
    def decide(article_id: str, features: dict[str, float], earlier: list[policy.Earlier]) -> str:
        """The story of an article compared with every earlier one, then added to them."""
        probe = policy.Probe(article_id, b"", b"", [], [], features, seen_at=1000.0)
        story = str(policy.story_for(probe, earlier, CONFIG)["story"])
        packed = stories.unpack_features(stories.pack_features(features))
        decision = {"story": story}
        earlier.append(
            policy.Earlier(article_id, len(earlier), b"", b"", packed, 1000.0, decision, {"story"})
        )
        return story

    def test_no_story_through_one_member_far_from_the_others(self):
        """A report near the second member of a story and far from its first starts its own
        story: a story does not grow as a chain, each article near the last one only."""
        flood = {"hartigan": 5.0, "brackwater": 5.0, "odell": 5.0, "term:floodgates": 5.0}
        sluices = {"kettering": 5.0, "marlow": 5.0, "quarrendon": 5.0, "term:culvert": 5.0}
        earlier: list[policy.Earlier] = []
        assert self.decide("a", flood, earlier) == "a"
        assert self.decide("b", flood | sluices, earlier) == "a"
        assert story_similarity(flood | sluices, sluices | {"brackwater": 1.0}) > 0.7
        assert self.decide("c", sluices | {"brackwater": 1.0}, earlier) == "c"

    def test_a_report_near_most_members_joins(self):
        """A report near two of a story's three members joins it."""
        flood = {"hartigan": 5.0, "brackwater": 5.0, "odell": 5.0, "term:floodgates": 5.0}
        sluices = {"kettering": 5.0, "marlow": 5.0, "quarrendon": 5.0, "term:culvert": 5.0}
        earlier: list[policy.Earlier] = []
        for article_id, features in (("a", flood), ("b", flood | sluices), ("c", flood)):
            assert self.decide(article_id, features, earlier) == "a"
        assert self.decide("d", sluices | {"hartigan": 5.0, "brackwater": 5.0}, earlier) == "a"


class TestDemoSamples:
    def test_the_five_reports_of_one_flood_are_one_story(self, recognizer: EntityRecognizer):
        """The bundled samples, extracted and read by the real stages, in one story.

        Each report is compared with every earlier one, as the index finds them by their
        shared features; the copy (same text) is left to the duplicate check, as in the
        pipeline.
        """
        story: dict[str, str] = {}
        earlier: list[policy.Earlier] = []
        for seq, path in enumerate(sorted(SAMPLES.iterdir())):
            found = extract(path.read_bytes(), "html" if path.suffix == ".html" else "text")
            article = Article.from_extracted(path.stem, Source(type="file"), found, None)
            features = story_features(recognizer(article.text, article.title), article.text, CONFIG)
            probe = policy.Probe(path.stem, b"", b"", [], [], features, seen_at=1000.0)
            story[path.stem] = str(policy.story_for(probe, earlier, CONFIG)["story"])
            packed = stories.unpack_features(stories.pack_features(features))
            decision = {"story": story[path.stem]}
            earlier.append(
                policy.Earlier(path.stem, seq, b"", b"", packed, 1000.0, decision, {"story"})
            )
        assert len(story) == 5 and len(set(story.values())) == 1, story


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
