"""How rare a word is in English: what makes a word or a name say which event a text reports.

"Referendum" and "Paganini" say much more about an article than "said" or "government".
The rarity is read from the language's word frequencies (wordfreq's large English list,
shipped in its wheel): ``COMMON_ZIPF`` minus the word's Zipf frequency (log10 of its uses
per billion words), so a word at least as frequent as "year" weighs nothing and one rarer
than ``RARE_ZIPF`` (or not in the list: a new name, a coined word) weighs the most.

The table keeps only the words above ``RARE_ZIPF``, about 96,000, loaded once per process
on first use (wordfreq's own copy of the list is dropped after).
"""

from __future__ import annotations

import functools

import wordfreq

#: Words this frequent or more ("said", "year", "people") weigh nothing.
COMMON_ZIPF = 6.0
#: Words this rare or rarer, and words not in the list, weigh the most: below it the
#: list's counts are too small to tell a rare word from a misspelling.
RARE_ZIPF = 2.0
#: wordfreq stores its lists in buckets of one centibel, the first at Zipf 9.
_BUCKETS_PER_ZIPF = 100


def rarity(word: str) -> float:
    """``COMMON_ZIPF`` minus the word's Zipf frequency, between 0.0 and 4.0.

    ``word`` is one lower-case word; "said" gives 0.0, "referendum" 2.0, "floodwater" 3.8.
    """
    zipf = _zipf_table().get(word, RARE_ZIPF)
    return COMMON_ZIPF - max(RARE_ZIPF, min(COMMON_ZIPF, zipf))


@functools.cache
def _zipf_table() -> dict[str, float]:
    """Each English word between the two bounds, with its Zipf frequency."""
    buckets = wordfreq.get_frequency_list("en", wordlist="large")
    last = round((9 - RARE_ZIPF) * _BUCKETS_PER_ZIPF)
    # Copies of the words (encoded and decoded), so that the memory of the list, which
    # wordfreq caches with all its 321,000 words (about 22 MB), goes back when it is let go.
    table: dict[str, float] = {}
    for n, bucket in enumerate(buckets[: last + 1]):
        zipf = 9 - n / _BUCKETS_PER_ZIPF  # one float for the bucket's words
        table.update(dict.fromkeys((word.encode().decode() for word in bucket), zipf))
    del buckets
    wordfreq.get_frequency_list.cache_clear()
    return table
