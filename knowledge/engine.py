"""The engine: a corpus, its index and the glossary, answering questions with citations."""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import islice
from pathlib import Path

import numpy as np

from knowledge.analysis import Analyzer, PairAnalyzer, words
from knowledge.answer import (
    ASKS_ONLY_WHAT_KIND,
    Answer,
    KeyFeature,
    RankedPassage,
    WeightedTerms,
    analysed_sentences,
    key_sentence,
    names_and_inner_names,
    names_in,
    names_in_order,
    split_related,
    weigh_terms,
    word_share,
)
from knowledge.cache import (
    cached_corpus,
    cached_glossary,
    cached_index,
    cached_sentences,
    prune,
)
from knowledge.collection import collection_paused
from knowledge.corpus import Corpus, Document, load_corpus, title_from_text
from knowledge.definitions import defines, definition_subject
from knowledge.features import (
    FEATURES,
    RECENT,
    feature_terms,
    feature_weights,
    recency_weights,
    rows_holding,
)
from knowledge.glossary import Glossary, load_glossary
from knowledge.index import Hit, Index, IndexOptions, PairColumns, top_k
from knowledge.memo import BoundedMemo
from knowledge.passage_sentences import (
    AnalysedSentences,
    PassageSentences,
    QuestionColumns,
    SentenceColumns,
    key_sentence_of,
)
from knowledge.query import SYNONYM_FACTOR, Query, QueryParser
from knowledge.sentences import split_sentences, without_dangling_quotes
from knowledge.termids import AnalysedCorpus, analyse_corpus, context_text, pair_streams

log = logging.getLogger(__name__)

# How many passages are ranked before picking the answer, corroboration and conflicts.
CANDIDATES = 10
# Abstention thresholds (knowledge/README.md, "Abstention", shows how they were chosen from
# the distributions of these shares on on-topic and off-topic questions): the corpus must
# know this share of the question's words: a question made mostly of words no article
# uses (a recipe, a sports score) is about something else...
DEFAULT_MIN_KNOWN = 0.55
# ...the best passage must hold at least this share of them...
DEFAULT_MIN_COVERAGE = 0.15
# ...and the two shares together must reach this mean: a question whose known words are
# scattered over passages that each hold one of them (the weather in Paris: "temps" here,
# "demain" there) is not answered, while a paraphrase the corpus knows every word of
# but phrases differently still is.
DEFAULT_MIN_EVIDENCE = 0.5
# Corroboration between strong candidates (score at least this share of the best): each
# earns this factor times the best score times its support, the idf-weighted overlap of
# its words (beyond the question's) with the other articles' strong candidates. An answer
# several articles give outranks one article's claim (knowledge/README.md).
CONSENSUS_WEIGHT = 0.3
CONSENSUS_MIN_RATIO = 0.5
# A definition question ("Qu'est-ce que Parler ?") names one thing, often found in every
# passage: the passages that say what it is gain this share of their score, chosen
# among this many candidates.
DEFINITION_BONUS = 0.5
DEFINITION_POOL = 50
# Weight of adjacent-word pairs ("théâtre des opérations") next to single words: a
# question that repeats a phrase of the passage points at it (knowledge/README.md).
DEFAULT_PAIR_WEIGHT = 0.5
PAIR_CONTEXT_WEIGHT = 0.25
# Passages whose analysed sentences are remembered (about 1 KB each).
SENTENCE_CACHE_SIZE = 20_000
# A corpus this small has every passage's answer data prepared by `prepare`
# (about 0.3 s and 14 MB for 761 passages): all of it fits in the memos above.
PREPARED_PASSAGES = SENTENCE_CACHE_SIZE
# Questions kept for suggestions and autocomplete (Discord filters them as users type).
SUGGESTION_POOL = 1000
# Articles read at most to make them, whatever their questions.
SUGGESTION_SAMPLE = 20_000
# Documents read to name the corpus's topics in an abstention.
TOPIC_SAMPLE = 2000


@dataclass(frozen=True)
class EngineOptions:
    """Ranking and abstention knobs; the operator's settings map onto these."""

    min_coverage: float = DEFAULT_MIN_COVERAGE
    min_known: float = DEFAULT_MIN_KNOWN
    min_evidence: float = DEFAULT_MIN_EVIDENCE
    pair_weight: float = DEFAULT_PAIR_WEIGHT
    index: IndexOptions = field(default_factory=IndexOptions)

    def __post_init__(self) -> None:
        for name in ("min_coverage", "min_known", "min_evidence"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")


class Engine:
    """Answers questions over one corpus. Nothing it answers from changes once built (its
    only mutable state is memoisation), so tasks and threads can share one."""

    def __init__(
        self,
        corpus: Corpus,
        index: Index,
        glossary: Glossary,
        options: EngineOptions | None = None,
        analyzer: Analyzer | None = None,
        pairs: Index | None = None,
        sentences: PassageSentences | None = None,
    ) -> None:
        self.corpus = corpus
        self.index = index
        self.pairs = pairs
        # Each passage's sentences and terms, from the build; without them (an index
        # built elsewhere), sentences are analysed when a passage is first shown.
        self.sentences = sentences
        self.glossary = glossary
        self.options = options or EngineOptions()
        self.analyzer = analyzer or Analyzer()
        self._names = _SampleNames(corpus)
        self._parser = QueryParser(
            self.analyzer,
            index.vocabulary,
            glossary,
            _SurfaceWords(index, corpus),
            self._names.words,
        )
        self._row_document = corpus.row_document
        # Work per passage and per name, remembered: popular passages come back often.
        self._sentence_cache: BoundedMemo[int, AnalysedSentences] = BoundedMemo(SENTENCE_CACHE_SIZE)
        self._sentence_columns: BoundedMemo[int, SentenceColumns] = BoundedMemo(SENTENCE_CACHE_SIZE)
        self._contents: BoundedMemo[int, tuple[frozenset[int], float]] = BoundedMemo(
            SENTENCE_CACHE_SIZE
        )
        self._contexts: BoundedMemo[str, frozenset[int]] = BoundedMemo(SENTENCE_CACHE_SIZE)
        self._names_cache: BoundedMemo[str, frozenset[str]] = BoundedMemo(SENTENCE_CACHE_SIZE)
        self._name_is_distinctive: BoundedMemo[str, bool] = BoundedMemo(SENTENCE_CACHE_SIZE)
        # The last question's terms as columns (`_question`), for its few passages.
        self._last_question: tuple[WeightedTerms, QuestionColumns] | None = None
        # Per passage, what a cue's feature weighs there (`_feature_weights`), and the
        # terms that make it (`_feature_terms`).
        self._features: dict[str, np.ndarray] = {}
        self._feature_term_sets: dict[str, tuple[frozenset[str], frozenset[int]]] = {}
        # Whether each suggestion offered so far is answered from its own article.
        self._suggestion_checked: dict[str, bool] = {}

    @classmethod
    @collection_paused()
    def from_corpus(
        cls,
        path: str | Path,
        *,
        glossary_path: str | Path | None = None,
        options: EngineOptions | None = None,
        cache_dir: str | Path | None = None,
    ) -> Engine:
        """Loads the corpus and glossary, then the indexes: with `cache_dir`, the saved
        corpus and indexes when the corpus files are unchanged, else built and saved."""
        options = options or EngineOptions()
        if cache_dir is None:
            corpus, digest = load_corpus(path), ""
        else:
            corpus, digest = cached_corpus(Path(path), Path(cache_dir))
        if cache_dir is None:
            glossary = load_glossary(glossary_path)
        else:
            glossary = cached_glossary(glossary_path, Path(cache_dir))
        if not glossary.groups and not glossary.cues:
            # Likely a mistake (a file emptied, the wrong file): answers go on, but
            # English questions and paraphrases lose their synonyms, unseen.
            log.warning(
                "the glossary %s is empty: questions get no synonyms nor cues", glossary_path
            )
        analyzer = Analyzer()
        # Sentences are worked out with an index that will be saved: a start from the
        # saved data then answers without analysing any passage. An engine built for
        # one run (no cache) analyses a passage's sentences when it is first shown.
        analysed = _LazyAnalysis(corpus, analyzer, with_sentences=cache_dir is not None)
        # Phrases count mostly in the passage's own text: a heading shared by several
        # passages would otherwise lift them all for one matching phrase.
        pair_options = replace(options.index, context_weight=PAIR_CONTEXT_WEIGHT)

        def load_or_build(
            key_analyzer: Analyzer | PairAnalyzer,
            index_options: IndexOptions,
            build: Callable[[], Index],
            words: Mapping[str, int] | None = None,
        ) -> Index:
            if cache_dir is None:
                return build()
            return cached_index(key_analyzer, index_options, Path(cache_dir), build, digest, words)

        index = load_or_build(analyzer, options.index, lambda: analysed.words_index(options.index))
        pairs = None
        if options.pair_weight > 0:
            pairs = load_or_build(
                PairAnalyzer(analyzer),
                pair_options,
                lambda: analysed.pairs_index(pair_options, index.vocabulary),
                index.vocabulary,
            )
        sentences = _load_or_build_sentences(analyzer, analysed, index, corpus, cache_dir, digest)
        if cache_dir is not None:
            prune(Path(cache_dir))
        return cls(corpus, index, glossary, options, analyzer, pairs, sentences)

    @property
    def documents(self) -> Sequence[Document]:
        return self.corpus.documents

    def parse(self, question: str) -> Query:
        return self._parser.parse(question)

    def ask(self, question: str, k: int = 3) -> Answer:
        """The k best passages for the question, or an abstention when none answers it."""
        return self._ask(question, k, suggest=True)

    def _ask(self, question: str, k: int, suggest: bool) -> Answer:
        """`ask`; an abstention suggests questions only when `suggest` (checking a
        suggestion asks it: its own abstention must not look for suggestions)."""
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        query = self.parse(question)
        corrections = tuple((t.word, c) for t in query.terms for c in t.corrected[:1])
        if not query.terms:
            return self._abstain(
                question, "no searchable word in the question", corrections, suggest
            )
        if query.asks_only_what_kind:
            return self._abstain(question, ASKS_ONLY_WHAT_KIND, corrections, suggest)
        weighted = weigh_terms(query, self.index.idf_of)
        known = word_share(
            _translations_as_words(weighted) if query.english else weighted,
            self.index.vocabulary.__contains__,
        )
        if known < self.options.min_known:
            return self._abstain(
                question, "the articles do not use most of its words", corrections, suggest
            )
        hits = self.rank(query, max(k, CANDIDATES))
        if not hits:
            return self._abstain(question, "no passage covers the question", corrections, suggest)
        features = self._key_features(query, weighted)
        best = self._ranked(weighted, hits[0], features=features)
        if (
            best.coverage < self.options.min_coverage
            or (known + best.coverage) / 2 < self.options.min_evidence
        ):
            return self._abstain(question, "no passage covers the question", corrections, suggest)
        # Key sentences cost most of an answer: the passages shown get one; the other
        # articles' strong passages (which may corroborate or contradict the best one)
        # are compared by row, and read and given one only if the comparison needs it
        # or they are shown as related.
        shown_hits = self._distinct_texts(hits, k)
        shown = [best] + [self._ranked(weighted, hit, features=features) for hit in shown_hits[1:]]
        subject = _definition_subject(query)
        if subject:
            holding = self._rows_holding(subject)
            shown = [
                _defining_sentence_first(ranked, subject)
                if holding is None or hit.row in holding
                else ranked
                for hit, ranked in zip(shown_hits, shown, strict=True)
            ]
            best = shown[0]
        by_row = {hit.row: ranked for hit, ranked in zip(shown_hits, shown, strict=True)}
        sentences = {row: ranked.sentence for row, ranked in by_row.items()}

        def sentence_of(row: int) -> str:
            found = sentences.get(row)
            if found is None:
                found = sentences[row] = self._key_sentence(row, weighted, features)
            return found

        def ranked_of(hit: Hit) -> RankedPassage:
            found = by_row.get(hit.row)
            if found is None:
                found = self._ranked(weighted, hit, sentence_of(hit.row))
            return found

        corroborating, conflicting = split_related(
            hits[0],
            hits[1:],
            question,
            self._row_document.__getitem__,
            lambda row: self._distinctive_names(sentence_of(row)),
        )
        return Answer(
            question=question,
            passages=tuple(shown),
            abstained=False,
            corroborating=tuple(map(ranked_of, corroborating)),
            conflicting=tuple(map(ranked_of, conflicting)),
            corrections=corrections,
        )

    def _distinct_texts(self, hits: list[Hit], k: int) -> list[Hit]:
        """The first k hits whose passages say different things: an article quoting
        another word for word would show the same text twice (its article is still
        named among those that corroborate). Texts compare as stored: a string keeps
        its hash, so this costs next to nothing per answer."""
        passages = self.corpus.passages
        chosen: list[Hit] = []
        seen: set[str] = set()
        for hit in hits:
            text = passages[hit.row].text
            if text not in seen:
                seen.add(text)
                chosen.append(hit)
                if len(chosen) == k:
                    break
        return chosen

    def prepare(self, limit: int = PREPARED_PASSAGES) -> int:
        """Reads what answers read of every passage (the passage and its article, its
        words and sentences as columns, its title's and heading's columns, its names)
        and finds every word's family, when the corpus has at most `limit` passages:
        no answer then pays for meeting a passage or a word first, a third of a small
        corpus's answer time. What an abstention shows (topics, suggestions) and what
        "quand" and "combien" ask for (features) are made at any size. Returns how
        many passages were prepared (0 for a larger corpus, whose memos could not hold
        them all).

        Long-running adapters call it in a thread after start; answers may run
        meanwhile, as it only fills memos."""
        self.topics()
        self.suggestions()
        for feature in FEATURES:
            self._feature_weights(feature)
        passages = self.corpus.passages
        if len(passages) > limit:
            return 0
        self._parser.prepare()
        names = self._name_is_distinctive
        for row in range(len(passages)):
            passage = passages[row]
            document = self.corpus.document(passage.doc_id)
            self._content(row)
            self._context_columns(context_text(document.title, passage.section))
            if self.sentences is not None:
                self._sentence_columns.get(row, self.sentences.lists_of)
            # The names its key sentences may hold, while they fit: whether a single
            # article uses them is what conflicting answers are told by.
            for name in names_in_order(passage.text):
                if names.room > 1:
                    self._is_distinctive(name)
        return len(passages)

    def rank(self, query: Query, depth: int) -> list[Hit]:
        """The `depth` best passages: retrieval scores, then definitions and corroboration
        between articles re-rank the strongest candidates."""
        subject = _definition_subject(query)
        pool = max(depth, DEFINITION_POOL if subject else CANDIDATES)
        hits = top_k(self.scores(query), pool)
        if subject:
            passages, holding = self.corpus.passages, self._rows_holding(subject)
            hits = [
                Hit(h.row, h.score * (1 + DEFINITION_BONUS))
                if (holding is None or h.row in holding) and defines(passages[h.row].text, subject)
                else h
                for h in hits
            ]
            hits.sort(key=lambda h: (-h.score, h.row))
        head = self._with_consensus(query, hits[:CANDIDATES])
        return (head + hits[CANDIDATES:])[:depth]

    def _rows_holding(self, subject: str) -> frozenset[int] | None:
        """The passages whose index row holds the subject's rarest word: only they can
        say what it is, and reading the others' folded text (`defines`) cost a definition
        question some 15 µs a candidate. None when the analyzer keeps none of its words
        (then every candidate is read)."""
        stems = self.analyzer(subject)
        if not stems:
            return None
        vocabulary, indptr = self.index.vocabulary, self.index.weights.indptr
        columns = [vocabulary.get(stem) for stem in stems]
        if None in columns:
            return frozenset()  # a word no passage holds: none can hold the subject
        rarest = min(columns, key=lambda c: indptr[c + 1] - indptr[c])
        return frozenset(self.index.weights.indices[indptr[rarest] : indptr[rarest + 1]].tolist())

    def _with_consensus(self, query: Query, hits: list[Hit]) -> list[Hit]:
        """Strong candidates gain from other articles' strong candidates that say the
        same things (cosine of their idf-weighted word sets, the question's words left
        out): evidence aggregation, as in answer re-ranking for open-domain QA."""
        if not hits:
            return hits
        floor = CONSENSUS_MIN_RATIO * hits[0].score
        strong = [h for h in hits if h.score >= floor]
        documents = self._row_document[[h.row for h in strong]].tolist()
        if len(set(documents)) < 2:
            return hits
        column_of = self.index.vocabulary.get
        asked = {c for group in query.groups for s, _ in group if (c := column_of(s)) is not None}
        # A handful of candidates and a few dozen words each: sets beat arrays here.
        contents = [self._content(h.row) for h in strong]
        # max(0, ...): the difference of two float sums may fall a hair below zero.
        weight_of = self._squared_idf.__getitem__
        norms = [
            math.sqrt(max(0.0, total - sum(map(weight_of, asked & words)))) or 1.0
            for words, total in contents
        ]
        # Each candidate's words but the question's, once, not once per pair.
        unasked = [words - asked for words, _ in contents]
        best = hits[0].score
        support = [0.0] * len(strong)
        for i in range(len(strong)):
            for j in range(i + 1, len(strong)):
                if documents[i] == documents[j]:
                    continue
                shared = sum(map(weight_of, unasked[i] & unasked[j]))
                if shared:
                    cosine = shared / (norms[i] * norms[j])
                    support[i] += cosine * strong[j].score / best
                    support[j] += cosine * strong[i].score / best
        boosted = {
            h.row: Hit(h.row, h.score + CONSENSUS_WEIGHT * best * s)
            for h, s in zip(strong, support, strict=True)
            if s
        }
        rescored = [boosted.get(h.row, h) for h in hits]
        return sorted(rescored, key=lambda h: (-h.score, h.row))

    def _content(self, row: int) -> tuple[frozenset[int], float]:
        """A passage's word-index columns, each once, and the sum of their squared idf;
        remembered, as strong candidates come back often."""
        return self._contents.get(row, self._find_content)

    def _find_content(self, row: int) -> tuple[frozenset[int], float]:
        words = frozenset(self._passage_columns(row).tolist())
        return words, sum(map(self._squared_idf.__getitem__, words))

    @cached_property
    def _squared_idf(self) -> list[float]:
        return (self.index.idf.astype(np.float64) ** 2).tolist()

    def _passage_columns(self, row: int) -> np.ndarray:
        """The word-index columns of a passage's text (repeats kept): from the build's
        sentences when at hand, else from its analysed sentences' stems."""
        if self.sentences is not None:
            return self.sentences.passage_columns(row)
        vocabulary = self.index.vocabulary
        stems = set().union(*(stems for _, stems in self._sentences(row)))
        return np.asarray(sorted(vocabulary[s] for s in stems if s in vocabulary), dtype=np.int64)

    def _ranked(
        self,
        weighted: WeightedTerms,
        hit: Hit,
        sentence: str | None = None,
        features: Sequence[KeyFeature] = (),
    ) -> RankedPassage:
        """The hit as an answer passage; its key sentence found unless given."""
        passage = self.corpus.passages[hit.row]
        document = self.corpus.document(passage.doc_id)
        # What the index's row holds: the passage's words and its title's and heading's.
        question = self._question(weighted)
        held = question.asked & self._content(hit.row)[0]
        held |= question.asked & self._context_columns(
            context_text(document.title, passage.section)
        )
        return RankedPassage(
            passage=passage,
            document=document,
            score=hit.score,
            sentence=(
                self._key_sentence(hit.row, weighted, features) if sentence is None else sentence
            ),
            coverage=question.share_held(held),
        )

    def _context_columns(self, context: str) -> frozenset[int]:
        """The word-index columns of a title and heading, as the index counted them
        (none when it leaves contexts out); remembered, as articles have few headings."""
        return self._contexts.get(context, self._find_context_columns)

    def _find_context_columns(self, context: str) -> frozenset[int]:
        if self.index.options.context_weight <= 0:
            return frozenset()
        vocabulary = self.index.vocabulary
        return frozenset(vocabulary[s] for s in self.analyzer(context) if s in vocabulary)

    def _key_sentence(
        self, row: int, weighted: WeightedTerms, features: Sequence[KeyFeature] = ()
    ) -> str:
        """The passage's key sentence. With the build's sentences, terms are compared as
        word-index columns: the question's stems are looked up once per question, and a
        passage's sentences are read from the saved arrays, not analysed."""
        if self.sentences is None:
            return without_dangling_quotes(key_sentence(self._sentences(row), weighted, features))
        found = self._sentence_columns.get(row, self.sentences.lists_of)
        text = self.corpus.passages[row].text
        question = self._question(weighted)
        return without_dangling_quotes(key_sentence_of(text, found, question, features))

    def _question(self, weighted: WeightedTerms) -> QuestionColumns:
        """The question's terms as word-index columns, worked out once per question (the
        last one's are kept: an answer asks for them for each of its few passages)."""
        last = self._last_question
        if last is None or last[0] is not weighted:
            last = self._last_question = (
                weighted,
                QuestionColumns.of(weighted, self.index.vocabulary),
            )
        return last[1]

    def _sentences(self, row: int) -> AnalysedSentences:
        """A passage's analysed sentences, remembered: popular passages come back often."""
        return self._sentence_cache.get(
            row, lambda row: analysed_sentences(self.corpus.passages[row].text, self.analyzer)
        )

    def _distinctive_names(self, sentence: str) -> frozenset[str]:
        """Names in the sentence that a single article of the corpus uses (judged by the
        rarest of their stems, so a common word capitalised, "Web", is not one);
        remembered, as key sentences of popular passages come back often."""
        return self._names_cache.get(sentence, self._find_distinctive_names)

    def _find_distinctive_names(self, sentence: str) -> frozenset[str]:
        return frozenset(name for name in names_in(sentence) if self._is_distinctive(name))

    def _is_distinctive(self, name: str) -> bool:
        """Whether a single article uses the name; remembered, as names recur in many
        sentences ("Paris", "Parler")."""
        return self._name_is_distinctive.get(name, self._find_is_distinctive)

    def _find_is_distinctive(self, name: str) -> bool:
        vocabulary, idf = self.index.vocabulary, self.index.idf
        columns = [c for s in self.analyzer(name) if (c := vocabulary.get(s)) is not None]
        if not columns:
            return False
        # The first of the rarest, as max(stems, key=idf_of) would pick.
        return bool(self._single_article[max(columns, key=idf.__getitem__)])

    @cached_property
    def _single_article(self) -> np.ndarray:
        """Per word-index column, whether all its passages belong to one article.
        Passages are stored article by article, so postings (sorted rows) all belong
        to one article exactly when the first and the last do."""
        weights = self.index.weights
        starts, ends = weights.indptr[:-1], weights.indptr[1:]
        found = np.zeros(starts.size, dtype=bool)
        held = ends > starts
        first = self._row_document[weights.indices[starts[held]]]
        last = self._row_document[weights.indices[ends[held] - 1]]
        found[held] = first == last
        return found

    def scores(self, query: Query) -> np.ndarray:
        """Every passage's score: its words' BM25 plus, weighted, its word pairs', plus
        what its cues ask for beyond words (a date for "quand", a number for
        "combien")."""
        scores = self.index.scores(query.groups)
        if self.pairs is not None and query.pairs:
            pair_scores = self.pairs.scores([((pair, 1.0),) for pair in query.pairs])
            scores += np.float32(self.options.pair_weight) * pair_scores
        for term in query.terms:
            if term.cue:
                for stem, factor in term.alternatives:
                    if stem in FEATURES:
                        scores += np.float32(factor) * self._feature_weights(stem)
        return scores

    def _feature_weights(self, feature: str) -> np.ndarray:
        """A feature's weight per passage, worked out when first asked for."""
        found = self._features.get(feature)
        if found is None:
            if self.index.options.weighting != "bm25":
                # A BM25 weight on TF-IDF's unit-length rows would outweigh every word.
                found = np.zeros(self.index.size, dtype=np.float32)
            elif feature == RECENT:
                found = recency_weights(self.corpus.document_dates(), self._row_document)
            else:
                columns = sorted(self._feature_terms(feature)[1])
                found = feature_weights(self._text_holding(columns))
            self._features[feature] = found
        return found

    def _key_features(self, query: Query, weighted: WeightedTerms) -> tuple[KeyFeature, ...]:
        """The kinds of answer the question's cues ask for (a date, a number), as its
        key sentences weigh them: each as one more word of the question, of its words'
        mean importance. Not at the weight ranking gives them (the idf of a term all
        dated passages hold): among a passage's sentences, the one holding the date is
        the answer to "quand", however many passages hold one."""
        if not weighted:
            return ()
        mean = sum(importance for importance, _ in weighted) / len(weighted)
        found = []
        for term in query.terms:
            if term.cue:
                found.extend(
                    KeyFeature(mean, *self._feature_terms(feature))
                    for feature, _ in term.alternatives
                    if feature in FEATURES and feature != RECENT
                )
        return tuple(f for f in found if f.columns)

    def _feature_terms(self, feature: str) -> tuple[frozenset[str], frozenset[int]]:
        """The terms and word-index columns that make a feature, found once (a pass
        over the vocabulary)."""
        found = self._feature_term_sets.get(feature)
        if found is None:
            terms = feature_terms(feature, self.index.vocabulary, self.analyzer)
            found = (frozenset(t for t, _ in terms), frozenset(c for _, c in terms))
            self._feature_term_sets[feature] = found
        return found

    def _text_holding(self, columns: Sequence[int]) -> np.ndarray:
        """Per passage, whether its own text holds one of the columns: a date in its
        article's title or its heading ("Après les événements du 6 janvier") is not
        one the passage tells, though its index row holds it. Read off the saved
        sentences; without them, the text of each passage whose title or heading
        holds one is read."""
        if self.sentences is not None:
            return self.sentences.rows_holding(columns)
        held = rows_holding(columns, self.index.weights)
        wanted = frozenset(columns)
        passages = self.corpus.passages
        for row in np.flatnonzero(held).tolist():
            passage = passages[row]
            document = self.corpus.document(passage.doc_id)
            context = self._context_columns(context_text(document.title, passage.section))
            if not wanted.isdisjoint(context):
                held[row] = not wanted.isdisjoint(self._passage_columns(row).tolist())
        return held

    def suggestions(self, limit: int = 25) -> list[str]:
        """Questions the corpus answers: the catalog's examples, else the articles'
        titles (searched as they are). One is offered only when it is answered from
        its own article, not by an abstention: a suggested question answered wrongly
        is worse than none. Checked when first offered, each once; on a corpus too
        large to prepare, where checking a thousand would take seconds, unchecked."""
        check = len(self.corpus.passages) <= PREPARED_PASSAGES
        found: list[str] = []
        for suggestion in self._suggestion_pool:
            if len(found) == limit:
                break
            if not check or self._answers_itself(suggestion):
                found.append(suggestion.text)
        return found

    def _answers_itself(self, suggestion: _Suggestion) -> bool:
        known = self._suggestion_checked.get(suggestion.text)
        if known is None:
            answer = self._ask(suggestion.text, 1, suggest=False)
            document = self.corpus.documents[suggestion.position]
            known = answer.best is not None and (
                answer.best.document.id == document.id
                or (suggestion.is_title and answer.best.document.title == document.title)
            )
            self._suggestion_checked[suggestion.text] = known
        return known

    @cached_property
    def _suggestion_pool(self) -> list[_Suggestion]:
        # Interleaved by article (each article's first question, then each one's second,
        # ...), so the first few suggestions cover different articles; computed once, as
        # an abstention must stay as cheap as an answer. When the articles' first
        # questions fill the pool, only the articles read so far count: a million-article
        # corpus reads about a thousand, not all of them.
        by_doc: list[list[_Suggestion]] = []
        first_round: dict[str, _Suggestion] = {}
        for position, document in enumerate(islice(self.documents, SUGGESTION_SAMPLE)):
            if document.questions:
                own = [_Suggestion(q, position, False) for q in document.questions]
            elif self._title_is_its_own(position):
                own = [_Suggestion(_title_as_search(document.title), position, True)]
            else:
                continue
            by_doc.append(own)
            first_round.setdefault(own[0].text, own[0])
            if len(first_round) == SUGGESTION_POOL:
                return list(first_round.values())
        unique: dict[str, _Suggestion] = {}
        for round_ in _round_robin(by_doc):
            for suggestion in round_:
                unique.setdefault(suggestion.text, suggestion)
        return list(unique.values())[:SUGGESTION_POOL]

    def _title_is_its_own(self, position: int) -> bool:
        """Whether the article's title was written as one (a headline, the catalog's),
        not made of its first words, which make a cut sentence, not a question."""
        title = self.documents[position].title
        first_row = int(np.searchsorted(self._row_document, position))
        passages = self.corpus.passages
        if first_row < len(passages) and self._row_document[first_row] == position:
            return title != title_from_text(passages[first_row].text)
        return bool(title.strip())

    def topics(self) -> str:
        """What the corpus is about, from the names most of its articles share."""
        return self._topics

    @cached_property
    def _topics(self) -> str:
        return ", ".join(self._names.topics(6))

    def _abstain(
        self,
        question: str,
        reason: str,
        corrections: tuple[tuple[str, str], ...],
        suggest: bool = True,
    ) -> Answer:
        return Answer(
            question=question,
            passages=(),
            abstained=True,
            suggestions=tuple(self.suggestions(2)) if suggest else (),
            topics=self.topics(),
            reason=reason,
            corrections=corrections,
        )


class _SampleNames:
    """The names (capitalized words) of the first TOPIC_SAMPLE articles: what an
    abstention says the corpus is about, and what a capitalized word of a question may
    be corrected to. Apart from the engine so that the query parser can hold
    `words` without holding the engine: a cycle would keep a discarded engine (and its
    gigabytes at a million passages) alive until the next garbage collection."""

    def __init__(self, corpus: Corpus) -> None:
        self._corpus = corpus

    @cached_property
    def counts(self) -> Counter[str]:
        """Each name and how often it is written. A sample bounds the cost on a huge
        corpus; names that matter recur early. Names tied on count keep the order they
        are first met, in every process. Passages are stored article by article: the
        sample's are the first rows."""
        rows = int(np.searchsorted(self._corpus.row_document, TOPIC_SAMPLE))
        passages = self._corpus.passages
        return Counter(name for row in range(rows) for name in names_in_order(passages[row].text))

    def topics(self, count: int) -> list[str]:
        """The names most articles of the sample write, each article counting once (then
        by how often they are written): the town's name, not the one article's mayor.
        A capitalised word that only ever opens a sentence ("Cuire", "Verser" in a
        recipe) is not a name."""
        rows = int(np.searchsorted(self._corpus.row_document, TOPIC_SAMPLE))
        passages, row_document = self._corpus.passages, self._corpus.row_document
        inner: set[str] = set()
        articles: Counter[str] = Counter()
        home: dict[str, int] = {}  # the article a name is first met in
        seen: set[str] = set()
        for row in range(rows):
            if row and row_document[row] != row_document[row - 1]:
                articles.update(seen)
                seen = set()
            names, written_inside = names_and_inner_names(passages[row].text)
            for name in names:
                seen.add(name)
                home.setdefault(name, int(row_document[row]))
            inner |= written_inside
        articles.update(seen)
        totals = self.counts
        order = {name: n for n, name in enumerate(totals)}  # first met, in every process
        named = [name for name in totals if name in inner]
        named.sort(key=lambda name: (-articles[name], -totals[name], order[name]))
        # Names of a single article take turns, one an article, so that articles
        # sharing no name are each named, not the longest one six times.
        shared = [name for name in named if articles[name] > 1]
        turns = [name for name in named if articles[name] == 1]
        ranks: dict[str, int] = {}  # a name's place among its article's names
        counted: Counter[int] = Counter()
        for name in turns:
            counted[home[name]] += 1
            ranks[name] = counted[home[name]]
        turns.sort(key=ranks.__getitem__)  # stable: the order above within a turn
        return (shared + turns)[:count]

    @cached_property
    def _words(self) -> frozenset[str]:
        return frozenset(word for name in self.counts for word in words(name))

    def words(self) -> frozenset[str]:
        """The words of the names, as questions' words are written."""
        return self._words


class _LazyAnalysis:
    """Analyses every passage once, on first need, for both the word and pair indexes
    (a saved index needs none of it)."""

    def __init__(self, corpus: Corpus, analyzer: Analyzer, with_sentences: bool) -> None:
        self._corpus = corpus
        self._analyzer = analyzer
        self._with_sentences = with_sentences

    @cached_property
    def _analysed(self) -> AnalysedCorpus:
        return analyse_corpus(self._corpus, self._analyzer, self._with_sentences)

    def words_index(self, options: IndexOptions) -> Index:
        analysed = self._analysed
        return Index.from_streams(
            analysed.bodies,
            analysed.contexts,
            analysed.context_of,
            analysed.terms,
            options,
            analysed.surface,
        )

    def sentences(self, terms: Sequence[str] | None) -> PassageSentences:
        """Sentence columns are the word index's, so `terms` must be its terms."""
        analysed = self._analysed
        if terms is None or list(terms) != analysed.terms:
            raise ValueError("the word index was built from another analysis")
        return PassageSentences.from_analysis(analysed)

    def pairs_index(self, options: IndexOptions, words: Mapping[str, int]) -> Index:
        """Pairs are coded with the word index's columns, so `words` must be its
        vocabulary: the same sorted terms this analysis found."""
        analysed = self._analysed
        if list(words) != analysed.terms:
            raise ValueError("the word index was built from another analysis")
        width = len(analysed.terms)
        codes, bodies, contexts = pair_streams(analysed.bodies, analysed.contexts, width)
        columns = PairColumns(words, codes, width)
        return Index.from_streams(bodies, contexts, analysed.context_of, columns, options)


def _definition_subject(query: Query) -> str | None:
    """What a definition question asks about, its typos read as corrected ("Qui est Jon
    Matze ?" asks about "john matze"), or None for other questions."""
    subject = definition_subject(query.question)
    fixes = {term.word: term.corrected[0] for term in query.terms if term.corrected}
    if subject is None or not fixes:
        return subject
    return " ".join(fixes.get(word, word) for word in subject.split())


def _translations_as_words(weighted: WeightedTerms) -> WeightedTerms:
    """An English question's terms with their glossary synonyms counted as the word
    itself: the French articles never write its words, so a translation they do write
    is how it is known (`SYNONYM_FACTOR` still ranks it below the word itself)."""
    return [
        (importance, tuple((s, 1.0 if f >= SYNONYM_FACTOR else f) for s, f in alternatives))
        for importance, alternatives in weighted
    ]


def _defining_sentence_first(ranked: RankedPassage, subject: str) -> RankedPassage:
    """For a definition question, the key sentence is the one saying what the subject
    is, when the passage has one: every sentence naming it holds the question's word."""
    for sentence in split_sentences(ranked.text):
        if defines(sentence, subject):
            return replace(ranked, sentence=without_dangling_quotes(sentence))
    return ranked


def _load_or_build_sentences(
    analyzer: Analyzer,
    analysed: _LazyAnalysis,
    index: Index,
    corpus: Corpus,
    cache_dir: str | Path | None,
    digest: str,
) -> PassageSentences | None:
    """The passages' sentences, saved next to the index (a loaded index then needs no
    analysis at all), or built with it to be saved; None without a cache."""
    if cache_dir is None:
        return None
    return cached_sentences(
        analyzer,
        Path(cache_dir),
        lambda: analysed.sentences(index.terms),
        digest,
        len(index.vocabulary),
        len(corpus.passages),
    )


class _SurfaceWords:
    """The written words spelling correction may correct to: the index's, else the
    corpus's own; read only when the query parser first needs them."""

    def __init__(self, index: Index, corpus: Corpus) -> None:
        self._index = index
        self._corpus = corpus

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.surface or _surface_words(self._corpus))


def _surface_words(corpus: Corpus) -> set[str]:
    found: set[str] = set()
    for passage in corpus.passages:
        found.update(words(passage.text))
    for document in corpus.documents:
        found.update(words(document.title))
    return found


@dataclass(frozen=True)
class _Suggestion:
    """A question to suggest, and the article (its position) that should answer it."""

    text: str
    position: int
    is_title: bool  # a title searched as it is: any article of that title answers it


def _title_as_search(title: str) -> str:
    """A title as a suggestion, searched as it is ("Algérie", "Le pont rouvre"): a
    question mark after a headline ("Le pont rouvre ?") asked nothing it does not."""
    return " ".join(title.split()).rstrip(" .!…:;,") or title


def _round_robin(lists: Sequence[list[str]]) -> list[list[str]]:
    longest = max((len(items) for items in lists), default=0)
    return [[items[i] for items in lists if i < len(items)] for i in range(longest)]
