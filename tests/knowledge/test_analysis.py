import pytest

from knowledge.analysis import Analyzer, fold, is_english, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L’Assemblée", "l'assemblee"),
        ("« Élysée »", "elysee"),
        ("ŒUVRE", "oeuvre"),
        ("Parler — Amazon", "parler - amazon"),
        ("  plusieurs \n espaces ", "plusieurs espaces"),
    ],
)
def test_fold_removes_case_accents_and_typography(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l'hébergeur", ["hebergeur"]),
        ("d’Amazon", ["amazon"]),
        ("qu'il", ["il"]),
        ("jusqu'au", ["au"]),
        ("lorsqu'elle", ["elle"]),
        ("puisqu'on", ["on"]),
        ("s'est", ["est"]),
        ("c'était", ["etait"]),
        ("n'a", ["a"]),
        ("j'ai", ["ai"]),
        ("m'a t'a", ["a", "a"]),
        ("Parler's CEO", ["parler", "ceo"]),
        ("quelqu'un", ["un"]),
    ],
)
def test_words_drop_elisions_and_clitics(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_inverted_subject_is_dropped_from_the_verb() -> None:
    assert words("a-t-il poursuit-il est-ce") == ["a", "poursuit", "est"]


def test_hyphenated_compound_matches_the_joined_spelling() -> None:
    analyze = Analyzer()
    assert set(analyze("plateforme")) <= set(analyze("plate-forme"))


def test_accented_and_plain_spellings_give_the_same_terms() -> None:
    analyze = Analyzer()
    assert analyze("hébergement désisté États-Unis") == analyze("hebergement desiste etats-unis")


def test_inflections_share_a_stem() -> None:
    analyze = Analyzer()
    assert analyze("plainte")[0] == analyze("plaintes")[0]
    assert analyze("désisté")[0] == analyze("désister")[0]
    assert analyze("utilisateurs")[0] == analyze("utilisateur")[0]


def test_a_verbs_forms_share_a_stem_once_accents_are_folded() -> None:
    # Folded, Snowball stems them "publie", "publ", "publi"; "renvoy", "renvoi"; "perdu",
    # "perdr": trimmed, one stem each.
    analyze = Analyzer()
    assert len(set(analyze("publiée publié publier publiés"))) == 1
    assert len(set(analyze("licenciée licencié licencier"))) == 1
    assert len(set(analyze("renvoyé renvoyer renvoi"))) == 1
    # A participle in "-u" meets its infinitive.
    assert len(set(analyze("perdu perdre"))) == 1
    assert len(set(analyze("prévenu prévenir"))) == 1
    # Its plural too: Snowball keeps the "s" after "u" ("perdus" -> "perdus").
    assert len(set(analyze("perdus perdues perdu perdre"))) == 1
    assert len(set(analyze("suspendus suspendu suspendre"))) == 1
    # Nouns in "-us" after a vowel or "s", or too short, keep it ("abus" as "abuser").
    assert analyze("abus")[0] == analyze("abuser")[0]
    assert analyze("remous")[0] != analyze("remo")[0]
    assert analyze("consensus")[0] == "consensus"
    # Short stems keep their last letter: "ami" is not "am", "créé" is not "cr".
    assert analyze("ami") == ["ami"]
    assert analyze("créé")[0].startswith("cre")


def test_stop_words_go_but_fact_words_stay() -> None:
    analyze = Analyzer()
    assert analyze("Qui est le patron de la société ?") == analyze("patron société")
    # The maintained lists call these stop words; here they are facts.
    assert analyze("État de Washington")[0] == analyze("état")[0]
    assert analyze("extrême droite") == analyze("extrême") + analyze("droite")
    assert analyze("Who fired the CEO") == analyze("fired CEO")
    # What a negated English auxiliary leaves ("couldn't" -> "couldn") is no fact.
    assert analyze("Why couldn't Parler switch? It wasn't.") == analyze("Parler switch")
    assert analyze("un don") == analyze("don")  # "don't" would leave "don": kept


def test_question_forming_words_are_stop_words() -> None:
    analyze = Analyzer()
    assert analyze("De quoi pouvez-vous parler ?") == analyze("parler")
    assert analyze("Combien d'utilisateurs ?") == analyze("utilisateurs")
    # Nor do the two halves of "aujourd'hui" stand for anything.
    assert analyze("Qui dirige Parler aujourd'hui ?") == analyze("dirige Parler")
    assert analyze("Qui héberge Parler désormais ?") == analyze("héberge Parler")


def test_latin1_folding_by_table_matches_the_general_path() -> None:
    """Most French text is folded by a per-character table; it must give exactly what
    normalising the whole text gives, whatever characters sit side by side."""
    import random

    from knowledge.analysis import _WIDE_FOLDS, _fold_characters, _slow_fold

    alphabet = [chr(code) for code in range(256)] + [mark for mark, _ in _WIDE_FOLDS]
    alphabet += ["\u0301", "\u0308", "ł", "Ÿ", "İ", "ﬁ", "µ", "½"]
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        assert _fold_characters(text) == _slow_fold(text), repr(text)
    assert fold("Œuvre… l’Assemblée «Parler» STRAßE") == "oeuvre... l'assemblee parler strasse"


def test_compounds_split_together_give_each_ones_words() -> None:
    from knowledge.analysis import _SPLIT, words_of_token, words_of_tokens

    tokens = ["l'assemblee", "plate-forme", "a-t-il", "d'", "parler", "qu'est-ce", "jusqu'au"]
    _SPLIT.clear()  # split together, not found among remembered ones
    together = words_of_tokens(tokens)
    _SPLIT.clear()
    expected = [words_of_token(token) for token in tokens]
    assert together == expected
    assert expected[3] == ()


@pytest.mark.parametrize(
    ("question", "english"),
    [
        ("What did Amazon find on Parler?", True),
        ("Why was John Matze fired?", True),
        ("Pourquoi Amazon a-t-il suspendu Parler ?", False),
        ("parler a abandoné sa plainte ?", False),
        ("c koi parler", False),
        ("Parler Amazon", False),
    ],
)
def test_english_questions_are_told_from_french_ones(question: str, english: bool) -> None:
    assert is_english(words(question)) is english
