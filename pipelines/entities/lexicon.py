"""English common words, from the lemmatizer tables that the spaCy model ships.

NER does not need the lemmatizer, so it is never loaded; its word index (about 90,000
lemmas: nouns, verbs, adjectives, adverbs) is read on its own, to tell a capitalised
common word ("Next Story", "ATTEND") from a name. A model without the tables gives an
empty lexicon, and the rules that use it then keep every span.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

#: The parts of speech of the lemmatizer's word index.
POS = ("noun", "verb", "adj", "adv")
#: Where an en_core_web_* pipeline keeps its lemmatizer's tables.
LOOKUPS_DIR = Path("lemmatizer") / "lookups"


@dataclass(frozen=True, slots=True)
class Lexicon:
    nouns: frozenset[str] = field(default_factory=frozenset)
    others: frozenset[str] = field(default_factory=frozenset)  #: verbs, adjectives, adverbs

    def knows(self, word: str) -> bool:
        """Whether a word, or its singular ("stories" -> "story"), is a common word."""
        return any(form in self.nouns or form in self.others for form in _forms(word.lower()))

    def only_a_verb_or_adjective(self, word: str) -> bool:
        """A common word that is never a noun ("attend", "spend"): no thing is named so."""
        forms = _forms(word.lower())
        return any(f in self.others for f in forms) and not any(f in self.nouns for f in forms)


def _forms(word: str) -> tuple[str, ...]:
    if word.endswith("ies"):
        return word, word[:-3] + "y"
    if word.endswith("es"):
        return word, word[:-1], word[:-2]
    return (word, word[:-1]) if word.endswith("s") else (word,)


@cache
def load_lexicon(model_path: Path | None) -> Lexicon:
    """The common words of the model at ``model_path``, read once per process; empty
    without its tables."""
    lookups_dir = model_path / LOOKUPS_DIR if model_path is not None else None
    if lookups_dir is None or not (lookups_dir / "lookups.bin").exists():
        return Lexicon()
    from spacy.lookups import Lookups
    from spacy.strings import get_string_id

    index = Lookups().from_disk(lookups_dir).get_table("lemma_index", {})
    words = {pos: frozenset(index.get(get_string_id(pos), ())) for pos in POS}
    others = words["verb"] | words["adj"] | words["adv"]
    return Lexicon(nouns=words["noun"], others=others)
