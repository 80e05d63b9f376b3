"""Features of a single line that tell a website's furniture from an article's text.

Used by the plain-text cleaner (pipelines/clean/chrome.py, clean_zones.py). Each predicate
looks at what a line *is like* (how many of its words are the vocabulary of site
navigation, whether it addresses the reader about the site, whether it was cut off
mid-phrase as teasers are), never at known strings.
"""

from __future__ import annotations

import re


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Words that name parts of a website or things a reader does on one: the vocabulary of
#: menus, footers and account boxes. Ambiguous words ("next", "news", "world") are left
#: out: a crosshead may well be "What happens next".
NAVIGATION_WORDS = _vocabulary(
    """
    about account accounts ad ads advertise advertising apps app archive archives blog blogs
    caption captions careers click comment comments connect contact cookie cookies
    contributors copyright download editorial email embed episodes events faq feedback feeds
    follow forum gallery galleries help home homepage image images index jobs link links
    listen log login logout menu more newsletter newsletters photo photos podcast podcasts
    policy popular print privacy profile register reply rss schedule search sections
    settings share sign sitemap site standards subscribe subscriber subscription
    subscriptions support tags terms topics trending upcoming us video videos view watch
    website
    """
)
#: Words that carry no content of their own; left out of a line's share of navigation words.
_GLUE_WORDS = _vocabulary("a an and at by for from in it of on or our the this to with your all")
#: Words that address the reader or speak for the site ("US", the country, is taken out first).
_ADDRESS_WORDS = _vocabulary("you your you're you’re yours our us we're we’re")
#: Imperatives a site opens a sentence with when it steers the reader.
_STEERING_VERBS = _vocabulary(
    "click subscribe sign log follow download join register share watch listen read tap get"
)
_QUOTES = '"“”«»'
_UNSPACED_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_THIS_SITE = re.compile(r"\b(?:this|our)\s+(?:web\s?)?site\b", re.IGNORECASE)
_COUNTED = re.compile(r"\s*\(\d+\)$")
_TRUNCATED = re.compile(r"[^\W\d_](?:\.\.\.|…)$")


def _letter_words(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text)]


def _content_words(text: str) -> list[str]:
    return [word for word in _letter_words(text) if word not in _GLUE_WORDS]


def topic_words(text: str) -> set[str]:
    """The words that say what a text is about: words of four letters or more, and pairs of
    characters in scripts written without spaces (Chinese, Japanese)."""
    found: set[str] = set()
    for word in _letter_words(text):
        if _UNSPACED_SCRIPT.search(word):
            found.update(word[index : index + 2] for index in range(len(word) - 1))
        elif len(word) >= 4:
            found.add(word)
    return found


def topic_overlap(text: str, vocabulary: set[str]) -> float:
    """The share of ``text``'s topic words found in ``vocabulary`` (0 when it has none)."""
    own = topic_words(text)
    return len(own & vocabulary) / len(own) if own else 0.0


def navigation_share(text: str) -> float:
    """The share of a line's content words that are navigation vocabulary."""
    content = _content_words(text)
    if not content:
        return 0.0
    return sum(word in NAVIGATION_WORDS for word in content) / len(content)


def is_navigation_label(text: str, max_words: int = 5) -> bool:
    """A menu or footer label: "About Us", "Site Index", "Search the BBC", "Videos"."""
    return (
        len(text.split()) <= max_words
        and not text.rstrip(_QUOTES + "’)").endswith((".", "!", "?"))
        and navigation_share(text) > 0.5  # "Help for families" is a crosshead
    )


def is_site_talk(text: str, max_words: int = 25, min_navigation_share: float = 0.2) -> bool:
    """A sentence from the site to its reader about the site: "Click here to subscribe to
    our newsletter", "Sorry, your blog cannot share posts by email."

    It addresses the reader (or opens with an imperative such as "Subscribe"), and at
    least two distinct navigation words make a fifth of its content words. Quoted speech is
    never site talk (an article may quote someone telling people to "sign up on the
    website"), nor a line ending in a colon, which introduces what follows.
    """
    words = _letter_words(text)
    if not words or len(text.split()) > 40 or text.endswith(":"):
        return False
    if any(quote in text for quote in _QUOTES):
        return False
    if _THIS_SITE.search(text):
        return True  # "The material on this site may not be reproduced ..."
    if len(text.split()) > max_words:
        return False
    addressed = words[0] in _STEERING_VERBS or any(
        word in _ADDRESS_WORDS for word in _letter_words(text.replace("US", ""))
    )
    navigation = {word for word in words if word in NAVIGATION_WORDS}
    return addressed and len(navigation) >= 2 and navigation_share(text) >= min_navigation_share


def is_truncated_teaser(text: str, min_words: int = 4, max_words: int = 30) -> bool:
    """A headline or summary cut off mid-phrase ("... as Hurri...", "... by a Nigeria…"),
    as "more stories" boxes print them. A sentence inside it means it is prose; so does a
    closing quote after the dots. Narration that trails off unquoted ("and then...") is
    the price: it is rare in news and looks exactly like a teaser."""
    if not _TRUNCATED.search(text) or not min_words <= len(text.split()) <= max_words:
        return False
    return not re.search(r"[.!?][\"”’')]*\s", text)


def is_category_count(text: str, max_words: int = 5) -> bool:
    """A tag or category link with its number of posts: "Aliran Sesat (225)", "Evernote(21)"."""
    label = _COUNTED.sub("", text)
    return label != text and 0 < len(label.split()) <= max_words and not label.endswith(".")


_MONTHS_AND_DAYS = _vocabulary(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday mon tue tues wed thu thur thurs fri sat sun
    """
)
_TIME_WORDS = _vocabulary(
    "am pm a.m p.m gmt utc bst cet cest est edt pst pdt ist et pt at on updated published "
    "posted last modified ago"
)
_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}")
_NUMERIC_DATE = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}")
#: Words that make a clock time on its own line a stamp rather than a live-blog entry's heading.
_STAMP_WORDS = _vocabulary("updated published posted last modified ago")


def is_timestamp(text: str, max_words: int = 10) -> bool:
    """A line that only says when: "Nov 20", "November 20, 2019, 10:54 am", "Updated 14:05".

    It needs a digit and a month, a weekday or a date in figures ("11/20/2019"), so that a
    crosshead such as "December" or a year on its own ("2019", in a timeline) stays. A clock
    time alone ("4:14 p.m.") is the heading of a live-blog entry and stays too, unless a
    word such as "Updated" makes it a stamp.
    """
    words = re.findall(r"[^\W\d_]+(?:\.[^\W\d_]+)*", text.casefold())
    if not any(char.isdigit() for char in text) or len(text.split()) > max_words:
        return False
    has_date = any(word in _MONTHS_AND_DAYS for word in words) or bool(_NUMERIC_DATE.search(text))
    stamped_clock = bool(_CLOCK.search(text)) and any(word in _STAMP_WORDS for word in words)
    dated = has_date or stamped_clock
    return dated and all(word in _MONTHS_AND_DAYS or word in _TIME_WORDS for word in words)


# A separator standing between the fields of a data row: "June 9 – Tampa, FL @ Arena",
# "England (Group A): 10th", "%61 votes", "19) Game name". Commas and full stops are
# left out, since prose has them everywhere; a hyphen counts only between spaces.
_FIELD_SEPARATOR = re.compile(r"(?<=\s)[-–—](?=\s)|[–—@:()\[\]|/$%€£¥₩=×•·]|--")
_SAME_DASH = {"-": "–", "—": "–", "--": "–"}


def row_shape(text: str, max_label_words: int = 2) -> str | None:
    """The shape of a row of data, which the rows of one list share, or None.

    A row holds a figure and a field separator, and its shape is the first separator:
    "July 2 – Uncasville, CT @ Arena" and "August 4 – Cincinnati, OH @ Center" are both
    ``"figure –"``. Without a figure, a labelled field is shaped by its label ("A: The
    harbour loop" is ``"label a"``), and a line of three separators or more by all of
    them ("Wales (Group E): Second" is ``"marks ():"``). Related headlines ("Brexit: what
    next", "Tram fares – The Ledger"), menus and tags have no shape, nor has a lone
    letter or figure ("C |").
    """
    separator = _FIELD_SEPARATOR.search(text)
    if separator is None or sum(char.isalnum() for char in text) < 2:
        return None
    mark = separator.group()
    if any(char.isdigit() for char in text):
        return f"figure {_SAME_DASH.get(mark, mark)}"
    label = text[: separator.start()].strip().casefold()
    if mark == ":" and label and len(label.split()) <= max_label_words:
        return f"label {label}"
    marks = "".join(_SAME_DASH.get(m, m) for m in _FIELD_SEPARATOR.findall(text))
    return f"marks {marks}" if len(marks) >= 3 else None
