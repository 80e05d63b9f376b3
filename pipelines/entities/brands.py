"""Platforms and products news names every day that the small model misses or misreads.

"Follow us on Facebook, Twitter and Instagram", "take on Netflix", "NASA picked SpaceX",
"told Eurogamer", "via Shutterstock": the model tags no entity there, a place or a
person; "Stadia" and "Chromecast" it takes for companies. These names are written the
same way in every story and name nothing else, so a short list does better than any
rule: a span of the model's with a platform's name is an organisation and one the model
left untagged is added; a span with a product's name is a product. Names that are also
common words, places or people's names ("Apple", "Amazon", "Target", "Shell", "Alexa",
"Bloomberg", "Wired") are not on the lists: the model reads those in context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: spaCy is imported lazily, when a model is loaded
    from spacy.tokens import Doc

# fmt: off
#: Social networks, platforms and the companies behind them, as written in copy.
PLATFORMS = frozenset({
    "Facebook", "Twitter", "Instagram", "YouTube", "TikTok", "WhatsApp", "Snapchat",
    "LinkedIn", "Reddit", "Pinterest", "Tumblr", "Weibo", "WeChat", "Telegram",
    "Netflix", "Hulu", "Spotify", "Uber", "Lyft", "Airbnb", "DoorDash", "Instacart",
    "SpaceX", "Google", "Microsoft", "Nvidia", "Samsung", "Huawei", "Alibaba", "Tencent",
    "Baidu", "ByteDance", "eBay", "PayPal", "OpenAI", "Twitch", "Zillow", "Etsy",
    # Carriers and chip makers.
    "Verizon", "Comcast", "T-Mobile", "Vodafone", "Qualcomm", "Broadcom", "Nintendo",
    # Game publishers, stock-image agencies and data firms sources are credited to.
    "Ubisoft", "Activision", "Shutterstock", "Statista",
    # Online outlets and wires, cited as "told Eurogamer", "according to Axios".
    "Reuters", "Axios", "Politico", "BuzzFeed", "HuffPost", "Gizmodo", "Engadget",
    "TechCrunch", "Mashable", "Kotaku", "Eurogamer", "Newsweek", "Breitbart", "Ruptly",
    "ZDNet", "CNET", "BGR", "Futurism", "Lifehacker", "IndieWire", "GameSpot", "TMZ",
    "Mediaite", "Deadspin", "Yonhap", "Xinhua", "Kyodo", "Interfax", "CNBC", "MSNBC",
    # Retail chains and delivery apps.
    "Walmart", "Costco", "Walgreens", "Kroger", "Postmates", "Grubhub", "Venmo",
})
#: Products the model takes for their makers ("Stadia", "Chromecast", "MacBook"): no
#: organisation is named so.
PRODUCTS = frozenset({
    "Stadia", "Chromecast", "Xbox", "PlayStation", "iPhone", "iPad", "iPod", "MacBook",
    "iMac", "AirPods", "Kindle", "Android", "Gmail", "Fortnite", "Minecraft",
})
# fmt: on
#: Of those, the ones that are also ordinary words when they open a sentence.
_ALSO_WORDS = frozenset({"Telegram"})


def brand_label(text: str, label: str) -> str:
    """ORG for a span of the model's that is one of :data:`PLATFORMS`, PRODUCT for one of
    :data:`PRODUCTS` or one that starts with one ("Xbox One", "iPhone 11"), else its
    label."""
    if text in PLATFORMS:
        return "ORG"
    return "PRODUCT" if text.split(" ", 1)[0] in PRODUCTS else label


def missed_platforms(doc: Doc, taken: set[int]) -> list[tuple[int, tuple[str, str, str]]]:
    """The platforms written outside every span of the model's: (start token, (name,
    "ORG", word before)). A sentence's first word is one only when no ordinary word
    is spelt so."""
    found = []
    for token in doc:
        if token.i in taken or token.text not in PLATFORMS:
            continue
        if token.is_sent_start and token.text in _ALSO_WORDS:
            continue
        before = doc[token.i - 1].lower_ if token.i else ""
        found.append((token.i, (token.text, "ORG", before)))
    return found
