"""Given names and surnames of many languages: what tells "Diego Schwartzman" or
"Jeanine Pirro", which the small model reads as organisations, from "Tequila Works" or
"Dick Clark Productions", and "Magic Johnson" from "Event Horizon", which it reads as
people.

The names are Faker's (its person providers: about 31,000 given names and 28,000
surnames of some 80 locales, curated by hand for generating realistic names, MIT
licence), read from the installed package once per process. Without Faker the lists are
empty and no name is read as a person's, or as none, by them.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from functools import cache

from pipelines.entities.lexicon import Lexicon

#: A word of a person's name: letters, with a hyphen or an apostrophe inside
#: ("Jo-Wilfried", "O'Neill").
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")
#: Provider attributes holding given names, and surnames.
_GIVEN_ATTRIBUTES = ("first_names", "first_names_male", "first_names_female")
_SURNAME_ATTRIBUTES = ("last_names", "last_names_male", "last_names_female")


@dataclass(frozen=True, slots=True)
class GivenNames:
    names: frozenset[str] = field(default_factory=frozenset)
    surnames: frozenset[str] = field(default_factory=frozenset)

    def person_shaped(self, name: str, lexicon: Lexicon) -> bool:
        """Whether ``name`` is written as a person's: two or three capitalised words, the
        first a given name, any middle one a given name or an initial, and the last no
        common word ("Schwartzman" is a surname; "Works", "Productions" are words).

        (Surnames that are also words, "Spears", "Pine", stay unread: a surname list
        would take "Forest Hill" for a person as well.)
        """
        words = name.split()
        if not 2 <= len(words) <= 3:
            return False
        first, *middle, last = words
        if not self._given(first) or not all(self._given(m) or _initial(m) for m in middle):
            return False
        return _name_word(last) and not lexicon.knows(last)

    def common_words_only(self, name: str, lexicon: Lexicon) -> bool:
        """Whether ``name`` is two or more common words and no person's: its first word
        no given name, its last no surname ("Event Horizon", "Quick Start Guide"; not
        "Magic Johnson" or "Forest Hill", which may be people).

        (Surnames only clear a name here: as a sign of a person they made "Forest Hill"
        and "Marin County" people.)
        """
        words = name.split()
        if len(words) < 2 or self._given(words[0]) or words[-1] in self.surnames:
            return False
        return all(word.isalpha() and lexicon.knows(word) for word in words)

    def knows(self, word: str) -> bool:
        """Whether some locale gives ``word`` to people, as a given name or a surname."""
        return self._given(word) or word in self.surnames

    def starts_with_given_name(self, name: str) -> bool:
        """Whether ``name`` is two or more words, the first a given name."""
        words = name.split()
        return len(words) >= 2 and self._given(words[0])

    def _given(self, word: str) -> bool:
        """A given name, or given names joined by a hyphen ("Jo-Wilfried")."""
        return _name_word(word) and all(part in self.names for part in word.split("-"))


@cache
def given_names() -> GivenNames:
    """The given names and surnames of every locale Faker ships (none without Faker)."""
    try:
        providers = importlib.import_module("faker.providers.person")
    except ImportError:
        return GivenNames()
    names: dict[tuple[str, ...], set[str]] = {_GIVEN_ATTRIBUTES: set(), _SURNAME_ATTRIBUTES: set()}
    for module_info in pkgutil.iter_modules(providers.__path__):
        module = importlib.import_module(f"{providers.__name__}.{module_info.name}")
        provider = vars(getattr(module, "Provider", object))
        for attributes, kept in names.items():
            for attribute in attributes:
                # A tuple, a list or a dict of name -> frequency; some locales make it a
                # property that picks among several lists, which is no list itself.
                found = provider.get(attribute, ())
                if isinstance(found, tuple | list | dict):
                    kept.update(name for name in found if isinstance(name, str))
    return GivenNames(frozenset(names[_GIVEN_ATTRIBUTES]), frozenset(names[_SURNAME_ATTRIBUTES]))


def _name_word(word: str) -> bool:
    return word[:1].isupper() and not word[1:].isupper() and bool(_NAME_WORD.match(word))


def _initial(word: str) -> bool:
    return len(word) == 2 and word[0].isupper() and word[1] == "."
