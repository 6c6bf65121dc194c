"""French-first text analysis: folding, elisions, stop words and stemming for the retriever."""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain, pairwise
from pathlib import Path

import Stemmer
from stop_words import get_stop_words

# Typographic marks mapped to the plain ones users type; quotes become spaces, as in the
# eval format (shared/eval/README.md), so folded text matches on both sides.
_CHAR_MAP = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u00ab": " ",
        "\u00bb": " ",
        "\u201c": " ",
        "\u201d": " ",
        "\u201e": " ",
        '"': " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2012": "-",
        "\u2212": "-",
        "\u0153": "oe",
        "\u00e6": "ae",
    }
)
_CHAR_REPLACEMENTS = tuple(
    (chr(code), plain) for code, plain in _CHAR_MAP.items() if chr(code) != plain
)
_SPACES = re.compile(r"\s+")
# Words (and tokens) whose analysis is remembered; beyond, memory would grow with input.
MAX_REMEMBERED = 500_000
# Combining marks (accents, zalgo): the blocks NFD puts them in.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

# French elided articles and pronouns: "l'Assemblée" -> "Assemblée", "jusqu'au" -> "au".
ELISIONS = (
    *("l", "d", "qu", "j", "n", "s", "c", "m", "t"),
    *("jusqu", "lorsqu", "puisqu", "quoiqu", "quelqu"),
)
_ELISION = re.compile(r"\b(?:" + "|".join(sorted(ELISIONS, key=len, reverse=True)) + r")'")
# English possessive and contractions: "Parler's" -> "Parler".
_EN_CLITIC = re.compile(r"'(?:s|re|ve|ll|d|t)\b")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# French subject inversion: "a-t-il", "poursuit-il", "est-ce" are the verb alone.
_INVERSION = re.compile(r"(?:-t)?-(?:il|elle|ils|elles|on|ce|je|tu|nous|vous)\b")
# The three above in one pass (elision first: "qu'est-ce" loses "qu'" and "-ce").
_CLITICS = re.compile(f"{_ELISION.pattern}|{_EN_CLITIC.pattern}|{_INVERSION.pattern}")

# Words the maintained lists call stop words but that carry the facts users ask about
# ("l'État de Washington", "extrême droite", "the first lawsuit", "who fired"...).
_KEPT_FRENCH = {
    "etat", "droite", "nouveau", "nouveaux", "deux", "haut", "personne", "personnes", "mot",
    "nom", "parole", "debut", "valeur", "force", "grande", "point", "sujet", "essai", "bon",
    "chose", "choses", "passe", "plein", "juste", "piece",
}  # fmt: skip
_KEPT_ENGLISH = {
    "fire", "bill", "system", "found", "interest", "computer", "detail", "top", "bottom",
    "side", "last", "first", "name", "full", "empty", "hundred", "part", "front", "mine",
    "move", "call", "back", "thin", "thick", "con", "mill", "amount", "find", "show",
    "describe", "cry", "fill", "serious", "sincere",
}  # fmt: skip
# Auxiliaries and question verbs missing from scikit-learn's English list.
_EXTRA_ENGLISH = {
    "did", "does", "doing", "done", "got", "gets", "getting", "having", "make", "makes",
    "made", "give", "gave", "given", "tell", "told", "let", "lets", "say", "says",
    "happen", "happened", "happens", "happening", "went", "going", "know", "knows",
    "today", "currently",
    # What is left of a negated auxiliary ("couldn't" -> "couldn", "t"); "don" and "won"
    # stay words ("un don", "won the case").
    "couldn", "wouldn", "shouldn", "didn", "doesn", "isn", "wasn", "weren", "aren",
    "hasn", "haven", "hadn", "mustn", "needn",
}  # fmt: skip
# Chat spellings of French function words ("c koi", "pk", "ki"), and elisions typed
# without their apostrophe ("cest quoi", "jai lu", "quil a dit"): as empty as the originals.
_CHAT_FRENCH = {
    *("koi", "kwa", "ki", "ke", "pk", "pq", "cb", "stp", "svp", "slt", "bcp", "tt", "jsp"),
    *("cest", "cetait", "jai", "quil", "quils", "quon", "sest", "ya"),
}
# Greetings, thanks and "please": chat questions open and close with them ("Salut !
# C'est quoi Parler ?"), and counted as words the articles lack they made a question
# abstain. The greeting and thanks words are also what the definition patterns skip
# and what the adapters answer in kind (`bot/smalltalk.py`).
_GREETINGS_FRENCH = {"bonjour", "bonsoir", "salut", "coucou", "bjr"}
_GREETINGS_ENGLISH = {"hello", "hi", "hey"}
_THANKS_FRENCH = {"merci", "mrc"}
_THANKS_ENGLISH = {"thanks", "thank", "thx"}
GREETINGS = frozenset(_GREETINGS_FRENCH | _GREETINGS_ENGLISH | {"slt"})
THANKS = frozenset(_THANKS_FRENCH | _THANKS_ENGLISH)
_POLITE_FRENCH = _GREETINGS_FRENCH | _THANKS_FRENCH | {"plait"}
_POLITE_ENGLISH = _GREETINGS_ENGLISH | _THANKS_ENGLISH | {"please", "pls", "plz"}
# Question-forming words missing from the French list ("de quoi", "combien de",
# "pouvez-vous me dire").
_EXTRA_FRENCH = {
    "quoi",
    "combien",
    "pouvez",
    "peux",
    "pouvons",
    "pourriez",
    "pourrais",
    "veux",
    "voudrais",
    # The present of "aller", an auxiliary like "avoir" and "être" ("il va falloir"),
    # and the whole of "ça va ?", which must not be answered with "Cela va tuer...".
    "va",
    "vas",
    "vais",
    "vont",
    # "aujourd'hui" splits at its apostrophe into two pieces no article means anything
    # by; left in, "Qui dirige Parler aujourd'hui ?" had half its words unknown. Its
    # kin are stop words like "maintenant" ("now" and "already" are, in English).
    "aujourd",
    "hui",
    "desormais",
    "actuellement",
    "deja",
}


def fold(text: str) -> str:
    """Lower-case, accent-free, typography-neutral form used for all matching.

    NFKC then casefold, typographic apostrophes/quotes/dashes unified, accents stripped
    (NFD without combining marks), white space collapsed.
    """
    return _SPACES.sub(" ", _fold_characters(text)).strip()


def _fold_characters(text: str) -> str:
    if not text.isascii():
        latin = _fold_latin1(text)
        if latin is not None:
            return latin
    return _slow_fold(text)


def _fold_latin1(text: str) -> str | None:
    """`_fold_characters` of a text made of Latin-1 and a few typographic characters
    (most French text), by table: None for any other text.

    On such a text folding works character by character: no Latin-1 character
    decomposes into anything a neighbour could combine with, and casefolding has no
    context. So each character's fold, worked out once by the general path, is the
    text's: three passes in C (encode, translate, decode) instead of two
    normalisations, a case fold and a regex (a third of the cost of building an index).
    """
    for mark, plain in _WIDE_FOLDS:
        if mark in text:
            text = text.replace(mark, plain)
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return None
    if _LATIN1_UNTABLED.search(raw):
        return None
    return raw.translate(_LATIN1_TABLE).decode("latin-1")


def _slow_fold(text: str) -> str:
    """The general path of `_fold_characters`: what the table is made from."""
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKC", text).casefold()
        text = _COMBINING.sub("", unicodedata.normalize("NFD", text))
    # One C-speed replace per mark present beats str.translate with a dict.
    for mark, plain in _CHAR_REPLACEMENTS:
        if mark in text:
            text = text.replace(mark, plain)
    return text


def _latin1_tables() -> tuple[bytes, re.Pattern[bytes], tuple[tuple[str, str], ...]]:
    """Each Latin-1 character's fold as one byte where it is one Latin-1 character;
    a pattern finding the others ("ß" -> "ss", "µ" -> Greek mu, "½"); and the ASCII
    folds of frequent wider characters (typographic marks, "œ", "…")."""
    table = bytearray(range(256))
    untabled = []
    for code in range(256):
        folded = _slow_fold(chr(code))
        if len(folded) == 1 and ord(folded) < 256:
            table[code] = ord(folded)
        else:
            untabled.append(code)
    pattern = re.compile(b"[" + b"".join(re.escape(bytes([c])) for c in untabled) + b"]")
    wide = [m for m, _ in _CHAR_REPLACEMENTS if ord(m) > 255] + ["\u0152", "\u2026"]
    folds = tuple((mark, _slow_fold(mark)) for mark in wide)
    if not all(plain.isascii() for _, plain in folds):
        raise AssertionError("a wide character must fold to ASCII to be replaced first")
    return bytes(table), pattern, folds


_LATIN1_TABLE, _LATIN1_UNTABLED, _WIDE_FOLDS = _latin1_tables()


def words(text: str) -> list[str]:
    """Folded surface words, elisions and clitics removed, hyphenated compounds joined.

    "Plate-forme" yields "plateforme" as well as "plate" and "forme", so both spellings meet.
    """
    found = tokens(text)
    if not any(map(_is_compound, found)):
        return found
    return [word for token in found for word in words_of_token(token)]


def tokens(text: str) -> list[str]:
    """Folded runs of letters and digits with their inner apostrophes and hyphens; each
    stands for the words `words_of_token` gives. Indexing maps each distinct token to
    its terms once, where `words` would redo the clitic rules at every occurrence."""
    return _TOKEN.findall(_fold_characters(text))


def tokens_by_text(texts: Sequence[str]) -> list[str]:
    """The `tokens` of each text in turn, each text's followed by SEPARATOR: many short
    texts (a passage's sentences) folded and matched in one call each, not one per text.
    Folding works character by character and no token crosses a line break, so joining
    the texts with one changes nothing but the number of calls."""
    joined = SEPARATOR.join(texts) + SEPARATOR if texts else ""
    if joined.count(SEPARATOR) != len(texts):
        return [token for text in texts for token in (*tokens(text), SEPARATOR)]
    return _TOKEN_OR_SEPARATOR.findall(_fold_characters(joined))


def compounds_of(tokens: Iterable[str]) -> list[str]:
    """The tokens with an apostrophe or a hyphen, in order."""
    return [token for token in tokens if "'" in token or "-" in token]


def _is_compound(token: str) -> bool:
    return "'" in token or "-" in token


def words_of_token(token: str) -> tuple[str, ...]:
    """The words a token stands for: itself, or, with an apostrophe or a hyphen, its
    parts without clitics ("l'article" -> "article") and the joined compound."""
    return _split_token(token) if _is_compound(token) else (token,)


# A run of letters and digits with its inner apostrophes and hyphens, and a trailing
# apostrophe ("d' herbe"): the only places where clitics and compounds can be.
# Possessive (`++`, `*+`): the classes never overlap, so backtracking could never find
# another token; telling the engine so makes matching a fifth faster.
_TOKEN = re.compile(r"[a-z0-9]++(?:['-][a-z0-9]++)*+'?")
# What `tokens_by_text` puts after each text's tokens; never part of a token.
SEPARATOR = "\n"
_TOKEN_OR_SEPARATOR = re.compile(f"{_TOKEN.pattern}|{SEPARATOR}")
_WORD_OR_SEPARATOR = re.compile(f"{_WORD.pattern}|{SEPARATOR}")


def _split_token(token: str) -> tuple[str, ...]:
    found = _SPLIT.get(token)
    if found is None:
        found = _remember(token, _words_of_parts(_WORD.findall(_CLITICS.sub(" ", token))))
    return found


def _remember(token: str, words: tuple[str, ...]) -> tuple[str, ...]:
    if len(_SPLIT) >= MAX_REMEMBERED_COMPOUNDS:
        _SPLIT.clear()
    _SPLIT[token] = words
    return words


# Compound token -> its words (`_split_token`), shared with `words_of_tokens`; past the
# bound it starts again (a forgotten compound is only split again).
MAX_REMEMBERED_COMPOUNDS = 65_536
_SPLIT: dict[str, tuple[str, ...]] = {}


def words_of_tokens(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    """`words_of_token` of each token, the compounds' clitic rules applied in one regex
    pass over all of them (a corpus has thousands of distinct compounds)."""
    new = [token for token in tokens if _is_compound(token) and token not in _SPLIT]
    if new and not any(SEPARATOR in token for token in new):
        pieces = _WORD_OR_SEPARATOR.findall(_CLITICS.sub(" ", SEPARATOR.join(new) + SEPARATOR))
        start = 0
        for compound in new:
            end = pieces.index(SEPARATOR, start)
            _remember(compound, _words_of_parts(pieces[start:end]))
            start = end + 1
    return [words_of_token(token) for token in tokens]


def _words_of_parts(words: list[str]) -> tuple[str, ...]:
    """Words as `_WORD` finds them, a hyphenated one giving its parts and the joined
    compound ("plate-forme" -> "plate", "forme", "plateforme")."""
    out: list[str] = []
    for word in words:
        if "-" in word:
            parts = [p for p in word.split("-") if p]
            out.extend(parts)
            out.append("".join(parts))
        else:
            out.append(word)
    return tuple(out)


def _english_stop_words() -> frozenset[str]:
    """scikit-learn's English list, read from its own module file: importing scikit-learn
    costs 0.7 s, and answering from a saved index needs nothing else from it."""
    try:
        spec = importlib.util.find_spec("sklearn")
        if spec is None or spec.origin is None:
            raise ImportError("scikit-learn not found")
        path = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py"
        module_spec = importlib.util.spec_from_file_location("_sklearn_stop_words", path)
        if module_spec is None or module_spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        return frozenset(module.ENGLISH_STOP_WORDS)
    except (ImportError, OSError, AttributeError):
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return frozenset(ENGLISH_STOP_WORDS)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """French (stop-words package) and English (scikit-learn) stop words, folded."""
    french, english = _stop_words_by_language()
    return frozenset(w for w in french | english if _WORD.fullmatch(w))


@lru_cache(maxsize=1)
def _stop_words_by_language() -> tuple[frozenset[str], frozenset[str]]:
    french = {fold(w) for w in get_stop_words("fr")} | _CHAT_FRENCH | _EXTRA_FRENCH
    french = (french | _POLITE_FRENCH) - _KEPT_FRENCH
    english = {fold(w) for w in _english_stop_words()} | _EXTRA_ENGLISH | _POLITE_ENGLISH
    english -= _KEPT_ENGLISH
    return frozenset(french), frozenset(english)


def is_english(folded_words: Sequence[str]) -> bool:
    """Whether a question's words (folded, stop words kept) are English rather than
    French: more of its function words belong to English alone ("what", "did", "the")
    than to French alone ("quel", "est", "le"). Words both use ("on", "a") do not count."""
    french_only, english_only = _function_words_of_one_language()
    english = len([w for w in folded_words if w in english_only])
    return english > len([w for w in folded_words if w in french_only])


@lru_cache(maxsize=1)
def _function_words_of_one_language() -> tuple[frozenset[str], frozenset[str]]:
    french, english = _stop_words_by_language()
    return french - english, english - french


# Snowball stems French words by their accented endings, but words are folded first
# (so that "publie" typed without accents meets "publié"): an "-ier" verb's forms then
# stem three ways ("publiée" -> "publie", "publié" -> "publ", "publier" -> "publi"), a
# "-yer" verb's two ("renvoyé" -> "renvoy", "renvoyer" -> "renvoi"). Nor does Snowball
# bring a "-re" verb's participle to its infinitive, accents or not ("perdu" -> "perdu",
# "perdre" -> "perdr"; "prévenu", "prévenir"), and it keeps a plural participle's "s"
# after "u" ("perdus" -> "perdus"). Trimming a stem's final "i", "e" and "y", or a
# final "u" or "us", or an "r" after a consonant, brings each together; a stem left
# shorter than this keeps them ("cre", from "créé", is not "cr"; "ami" is not "am";
# "abus" stays "abus", as "abuser" stems).
MIN_TRIMMED_STEM = 4
# The last letters `canonical_stem` may trim ("s" of "us").
_TRIMMED = ("i", "e", "y", "u", "r", "s")
_VOWELS = frozenset("aeiouy")
# A plural participle has a consonant before its "us" ("perdus", "obtenus"); a noun may
# have a vowel or an "s" ("remous", "consensus", "pegasus").
_KEEPS_US = _VOWELS | {"s", ""}


def canonical_stem(stem: str) -> str:
    """A Snowball stem of a folded word trimmed as above, when enough is left: one stem
    for a verb's infinitive and participles."""
    last = stem[-1:]
    if last in ("i", "e", "y"):
        trimmed = stem.rstrip("iey")
    elif last == "u" or (last == "r" and stem[-2:-1] not in _VOWELS):
        trimmed = stem[:-1]
    elif stem.endswith("us") and stem[-3:-2] not in _KEEPS_US:
        trimmed = stem[:-2]
    else:
        return stem
    return trimmed if len(trimmed) >= MIN_TRIMMED_STEM and trimmed.isalpha() else stem


class Analyzer:
    """Turns text into index terms: fold, split, drop stop words, Snowball-stem (French).

    Instances are callables so scikit-learn vectorizers take them as `analyzer`; stems are
    memoised because the same few thousand words come back in every passage and question.
    """

    # v2: stems trimmed (`canonical_stem`); v3: a plural participle's "-us" too.
    name = "fr-snowball-v3"

    def __init__(self) -> None:
        # PyStemmer's own cache (10,000 words by default) costs more than it saves once a
        # corpus has more distinct words than that, and this class memoises stems itself:
        # without it, stemming PIAF's 16,000 distinct words takes 8 ms instead of 20.
        self._stemmer = Stemmer.Stemmer("french", 0)
        self._stops = stop_words()
        self._cache: dict[str, str] = {}
        self._token_terms = _TokenTerms(self)

    def __call__(self, text: str) -> list[str]:
        # Same as stems(content_words(text)), with each distinct token's terms worked
        # out once: answers re-read sentences made of the same few thousand tokens.
        terms = self._token_terms
        if len(terms) > MAX_REMEMBERED:
            terms.clear()
        return list(chain.from_iterable(map(terms.__getitem__, tokens(text))))

    def content_words(self, text: str) -> list[str]:
        """Folded words minus stop words and single characters (kept: digits)."""
        return self.content_of(words(text))

    def content_of(self, folded_words: Iterable[str]) -> list[str]:
        stops = self._stops
        return [w for w in folded_words if w not in stops and (len(w) > 1 or w.isdigit())]

    def is_content(self, word: str) -> bool:
        """Whether a folded word is a term: not a stop word, not a lone letter."""
        return word not in self._stops and (len(word) > 1 or word.isdigit())

    def terms_of_token(self, token: str) -> tuple[str, ...]:
        """The stems of a token's content words (`tokens` makes the tokens)."""
        if _is_compound(token):
            return tuple(self.stems(self.content_of(words_of_token(token))))
        # Most tokens are plain words: no generator, no tuple of parts.
        return (self.stem(token),) if self.is_content(token) else ()

    def terms_of_tokens(self, tokens: Sequence[str]) -> list[tuple[str, ...]]:
        """`terms_of_token` of each token (a corpus's distinct tokens), with all their
        words stemmed in one call: per-word calls cost twice the stemming itself."""
        compounds = compounds_of(tokens)
        skip = self._stops.union(compounds)
        content = [w for w in tokens if w not in skip and (len(w) > 1 or w.isdigit())]
        parts = {
            token: self.content_of(words)
            for token, words in zip(compounds, words_of_tokens(compounds), strict=True)
        }
        more = list(dict.fromkeys(chain.from_iterable(parts.values())))
        stem_of = dict(zip(more, self._stem_words(more), strict=True))
        found: dict[str, tuple[str, ...]] = dict.fromkeys(tokens, ())
        found.update(zip(content, zip(self._stem_words(content), strict=True), strict=True))
        for token, words in parts.items():
            found[token] = tuple(stem_of[w] for w in words)
        return list(map(found.__getitem__, tokens))

    def stem(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            stem = canonical_stem(self._stemmer.stemWord(word))
            if len(self._cache) < MAX_REMEMBERED:
                self._cache[word] = stem
        return stem

    def _stem_words(self, folded_words: list[str]) -> list[str]:
        """`stem` of many words, in one PyStemmer call (not remembered: a corpus's
        distinct words are stemmed once anyway)."""
        return [
            stem if stem[-1:] not in _TRIMMED else canonical_stem(stem)
            for stem in self._stemmer.stemWords(folded_words)
        ]

    def stems(self, folded_words: Iterable[str]) -> list[str]:
        cache = self._cache
        return [cache[w] if w in cache else self.stem(w) for w in folded_words]

    def __getstate__(self) -> dict[str, object]:
        return {}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__()


class _TokenTerms(dict[str, tuple[str, ...]]):
    """Token -> the stems of its content words, filled on first sight."""

    def __init__(self, analyzer: Analyzer) -> None:
        super().__init__()
        self._analyzer = analyzer

    def __missing__(self, token: str) -> tuple[str, ...]:
        found = self[token] = self._analyzer.terms_of_token(token)
        return found


class PairAnalyzer:
    """Adjacent content-word stems as one term ("theatr_oper"), for a second index:
    a passage that repeats the question's phrases beats one with its words scattered."""

    name = "fr-snowball-pairs-v1"

    def __init__(self, analyzer: Analyzer | None = None) -> None:
        self._analyzer = analyzer or Analyzer()

    def __call__(self, text: str) -> list[str]:
        return pairs_of(self._analyzer(text))


def pairs_of(stems: list[str]) -> list[str]:
    return [f"{first}_{second}" for first, second in pairwise(stems)]
