"""Invented local-news prose for the fault-injection run: one article per number, the same for
the same seed, as plain text or as an HTML page.

Slots of sentence templates are filled from word lists. The fixed phrases between slots are
short, so two articles share few word 5-shingles: the cleaner keeps every paragraph and dedup
calls every article unique.
"""

from __future__ import annotations

import html
import random
from collections.abc import Callable

# Word lists of made-up local news.
FIRST = [
    "Maren", "Tobias", "Ilse", "Hamid", "Corinne", "Declan", "Priya", "Anselm", "Lucia", "Oskar",
    "Niamh", "Rafael", "Sunniva", "Teodor", "Amara", "Bastien", "Greta", "Idris", "Jolene",
    "Kasimir", "Leontine", "Matthias", "Noor", "Orla", "Piers", "Rosalind", "Stellan", "Thea",
    "Umberto", "Wilhelmina", "Yusuf", "Zofia", "Edgar", "Fenella", "Gideon", "Harriet",
]  # fmt: skip
LAST = [
    "Holloway", "Verhoeven", "Castellano", "Brennan", "Okafor", "Lindqvist", "Marchetti",
    "Abernathy", "Szabo", "Quintero", "Fairweather", "Nakashima", "Oduya", "Petrakis", "Rasmussen",
    "Thorne", "Ulrich", "Vasquez", "Whitcombe", "Yardley", "Zielinski", "Achterberg", "Bellamy",
    "Carmody", "Delacroix", "Engstrom", "Fitzallan", "Gallagher", "Haverford", "Ingersoll",
    "Jessop", "Kowalczyk", "Lanigan", "Moreau", "Nightingale", "Ostrander",
]  # fmt: skip
TOWNS = [
    "Brackwater", "Eastmere", "Kettleford", "Marrowby", "Northcombe", "Oakhaven", "Pellridge",
    "Redhollow", "Saltmarsh", "Thornbury", "Upcott", "Westerly", "Ashgrove", "Birchwick",
    "Coldharbour", "Dunmore", "Elderfield", "Foxley", "Glenmoor", "Harrowgate", "Ivybridge",
    "Kilbride", "Larchmont", "Millbrook", "Netherby", "Penhallow",
]  # fmt: skip
ORG_KINDS = [
    "Town Council", "Harbour Board", "Hospital Trust", "Chamber of Commerce", "Rowing Club",
    "Library Service", "Fire Brigade", "Water Company", "Housing Association",
    "Youth Orchestra", "Farmers Union", "Rail Partnership", "Tenants Association",
    "Museum Trust", "Cycling Club", "Allotment Society", "Sailing Club", "Bus Company",
]  # fmt: skip
ROLES = [
    "the mayor", "a councillor", "the head teacher", "a local shopkeeper",
    "the harbour master", "a retired engineer", "the district nurse", "a ferry captain",
    "the parish clerk", "a bus driver", "the museum curator", "a fisherman",
    "a volunteer organiser", "the station manager", "a market trader", "the librarian",
]  # fmt: skip
ADJECTIVES = [
    "proposed", "delayed", "revised", "long-awaited", "disputed", "temporary", "expanded",
    "overdue", "ambitious", "modest", "controversial", "popular", "costly", "scaled-back",
    "experimental", "refurbished",
]  # fmt: skip
NOUNS = [
    "footbridge", "reservoir", "cycle lane", "ferry service", "market hall", "housing scheme",
    "sea wall", "bus depot", "skate park", "allotment site", "library extension",
    "flood barrier", "tram line", "swimming pool", "community orchard", "recycling centre",
    "lifeboat station", "harbour crane", "bandstand", "car park", "lido", "health centre",
]  # fmt: skip
#: Past tense (in the body) -> present tense (in the headline).
PRESENT = {"approved": "approves", "postponed": "postpones", "criticised": "criticises",
           "welcomed": "welcomes", "inspected": "inspects", "reopened": "reopens",
           "funded": "funds", "rejected": "rejects", "reviewed": "reviews",
           "debated": "debates", "praised": "praises", "questioned": "questions"}  # fmt: skip
PAST = list(PRESENT)
FUTURE = [
    "open", "close for repairs", "reopen", "be finished", "be delayed again", "cost more",
    "double in size", "need a new survey", "be reviewed", "carry its first passengers",
]  # fmt: skip
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
UNITS = [
    "volunteers", "households", "signatures", "visitors", "tonnes of gravel", "new saplings",
    "parking spaces", "letters of objection", "cyclists", "school pupils", "boats",
]  # fmt: skip
CLAUSES = [
    "despite heavy rain on the estuary", "after a long winter of complaints",
    "while the tide was unusually high", "although several residents objected",
    "before the summer season begins", "as the evenings grew lighter",
    "once the survey results arrived", "because the old one had rusted through",
    "even though the budget is tight", "after the spring floods", "with little fuss",
    "weeks later than promised",
]  # fmt: skip
VERDICTS = [
    "a sensible compromise", "a waste of public money", "long overdue",
    "the best news in years", "a missed opportunity", "far too small", "a brave decision",
    "a relief for families", "rushed and badly explained", "exactly what was needed",
]  # fmt: skip
CROWDS = ["families", "pensioners", "students", "traders", "neighbours", "commuters"]
ACTIONS = [
    "hand in a petition", "watch the first trial run", "hear the announcement",
    "share their concerns", "thank the builders", "ask for a public meeting",
]  # fmt: skip
WORK = ["began", "stalled", "resumed", "slowed", "finished early", "was halted"]

#: Sentence templates; ``p(slot)`` fills a slot (see ``_picker``).
SENTENCES: list[Callable[[Callable[[str], str]], str]] = [
    lambda p: (
        f"{p('person')}, {p('role')} in {p('town')}, said the {p('thing')} would "
        f"{p('future')} by {p('month')}."
    ),
    lambda p: (
        f"Members of the {p('org')} {p('past')} the {p('noun')} on {p('weekday')}, {p('clause')}."
    ),
    lambda p: (
        f"About {p('number')} {p('unit')} were counted near {p('town')} last "
        f"{p('weekday')}, according to {p('person')}."
    ),
    lambda p: f'"We have waited {p("small")} years for this," {p("person")} told the {p("org")}.',
    lambda p: (
        f"The {p('org')} has set aside {p('number')} pounds for the {p('noun')}, {p('clause')}."
    ),
    lambda p: f"{p('person')} called the {p('thing')} {p('verdict')}.",
    lambda p: f"Critics in {p('town')} asked whether the {p('noun')} was needed at all.",
    lambda p: f"A spokesperson for the {p('org')} would not comment on the {p('thing')}.",
    lambda p: (
        f"Work on the {p('noun')} near {p('town')} {p('work')} in {p('month')}, {p('clause')}."
    ),
    lambda p: (
        f"Figures published on {p('weekday')} show {p('number')} {p('unit')} in "
        f"{p('town')}, up from {p('number')} a year earlier."
    ),
    lambda p: f"{p('person')} promised to raise the matter with the {p('org')} in {p('month')}.",
    lambda p: f"Dozens of {p('crowd')} gathered outside the {p('noun')} to {p('action')}.",
    lambda p: (
        f"The decision follows {p('small')} months of talks between the {p('org')} "
        f"and the {p('org')}."
    ),
    lambda p: f"People in {p('town')} may comment on the plans until the end of {p('month')}.",
    lambda p: (
        f"{p('person')}, who has lived in {p('town')} for {p('small')} years, "
        f"said the {p('noun')} {p('past')} by the {p('org')} was {p('verdict')}."
    ),
]


class Prose:
    """One invented local-news article per number, the same for the same seed and number."""

    def __init__(self, seed: int) -> None:
        self._seed = seed

    def article(self, number: int) -> tuple[str, str, list[str]]:
        """(headline, author, paragraphs) of article ``number``."""
        rng = random.Random(self._seed * 1_000_003 + number)
        pick = _picker(rng)
        org_kind = rng.choice(ORG_KINDS)
        verb = rng.choice(PAST)
        town = rng.choice(TOWNS)
        headline = (
            f"{town} {org_kind} {PRESENT[verb]} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} plan"
        )
        # The story's own lead, so that the headline shares words with the first paragraph.
        lead = (
            f"The {town} {org_kind} {verb} plans for the {pick('thing')} on {pick('weekday')}, "
            f"{pick('clause')}."
        )
        paragraphs = [" ".join([lead, *_sentences(rng, pick, 2, 3)])]
        for _ in range(rng.randint(3, 5)):
            paragraphs.append(" ".join(_sentences(rng, pick, 3, 5)))
        return headline, pick("person"), paragraphs

    def text_file(self, number: int) -> bytes:
        headline, _author, paragraphs = self.article(number)
        return "\n\n".join([headline, *paragraphs]).encode() + b"\n"

    def html_page(self, number: int, site: str) -> bytes:
        """Article ``number`` as a news site's page: the article within a header, a menu and
        a footer for the extractor to leave out."""
        headline, author, paragraphs = self.article(number)
        page = PAGE.format(
            title=html.escape(headline),
            site=html.escape(site),
            author=html.escape(author),
            body="\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
        )
        return page.encode()


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | {site}</title>
<meta name="author" content="{author}">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
</head>
<body>
<header><a href="/">{site}</a>
<nav><a href="/news">News</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
</header>
<main><article>
<h1>{title}</h1>
<p class="byline">By {author}</p>
{body}
</article></main>
<footer><p>Copyright {site}. All rights reserved.</p></footer>
</body>
</html>
"""


def _sentences(rng: random.Random, pick: Callable[[str], str], low: int, high: int) -> list[str]:
    return [rng.choice(SENTENCES)(pick) for _ in range(rng.randint(low, high))]


def _picker(rng: random.Random) -> Callable[[str], str]:
    """``pick(slot)``: a random filling of one slot of a sentence template."""

    def pick(slot: str) -> str:
        match slot:
            case "person":
                return f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            case "role":
                return rng.choice(ROLES)
            case "town":
                return rng.choice(TOWNS)
            case "org":
                return f"{rng.choice(TOWNS)} {rng.choice(ORG_KINDS)}"
            case "thing":
                return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
            case "number":
                return f"{rng.randint(12, 98_000):,}"
            case "small":
                return str(rng.randint(2, 19))
        return rng.choice(SLOTS[slot])

    return pick


#: The slots filled by one word or phrase of a list.
SLOTS: dict[str, list[str]] = {
    "noun": NOUNS, "past": PAST, "future": FUTURE, "month": MONTHS, "weekday": WEEKDAYS,
    "unit": UNITS, "clause": CLAUSES, "verdict": VERDICTS, "crowd": CROWDS,
    "action": ACTIONS, "work": WORK,
}  # fmt: skip
