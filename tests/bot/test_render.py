"""Answers into Discord embeds: key sentence in bold, sources, and Discord's limits."""

from __future__ import annotations

import re

import discord
import pytest

from bot import formats
from bot.discord import render
from knowledge.answer import Answer, RankedPassage
from knowledge.corpus import Document, Passage
from knowledge.engine import Engine

LONG_SENTENCE = (
    "Amazon Web Services a suspendu l'hébergement du réseau social Parler "
    + ", ".join(f"après l'examen numéro {i} des messages signalés" for i in range(200))
    + "."
)


def ranked(
    text: str,
    sentence: str,
    *,
    doc_id: str = "900",
    title: str = "Un titre",
    sources: tuple[str, ...] = ("Reuters",),
    position: int = 0,
) -> RankedPassage:
    document = Document(id=doc_id, title=title, date="2021-03", sources=sources)
    passage = Passage(id=f"{doc_id}:{position}", doc_id=doc_id, position=position, text=text)
    return RankedPassage(passage, document, score=1.0, sentence=sentence, coverage=1.0)


def within_limits(*embeds: discord.Embed) -> bool:
    for embed in embeds:
        assert len(embed.title or "") <= 256
        assert len(embed.description or "") <= 4096
        assert len(embed.fields) <= 25
        for field in embed.fields:
            assert 1 <= len(field.name or "") <= 256
            assert 1 <= len(field.value or "") <= 1024
        assert len(embed.footer.text or "") <= 2048
    assert sum(len(e) for e in embeds) <= 6000
    return True


def ends_cleanly(text: str) -> bool:
    """Cut with an ellipsis after a whole word (a space before it, or a sentence end)."""
    return text.endswith(" …") and not text[:-2].endswith(" ")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Court.", 10, "Court."),
        ("Première phrase. Deuxième phrase bien plus longue.", 30, "Première phrase. …"),
        ("un deux trois quatre cinq six sept", 16, "un deux trois …"),
        ("anticonstitutionnellement", 10, "anticonst…"),
    ],
)
def test_shorten_cuts_at_sentence_then_word_boundary(text: str, limit: int, expected: str):
    assert render.shorten(text, limit) == expected
    assert len(render.shorten(text, limit)) <= limit


def test_shorten_never_cuts_mid_word():
    text = " ".join(["passage"] * 400)
    for limit in (10, 57, 100, 1023):
        cut = render.shorten(text, limit)
        assert len(cut) <= limit
        assert ends_cleanly(cut)
        assert all(word == "passage" for word in cut[:-2].split())


def test_shorten_counts_escaping_in_the_limit():
    text = "un *gras* et un _souligné_ " * 50
    cut = render.shorten(text, 100, render.escape)
    assert len(cut) <= 100
    assert "\\*gras\\*" in cut
    assert ends_cleanly(cut)


def test_key_sentence_is_bold_inside_the_passage():
    text = "Avant. Parler a porté plainte contre Amazon. Après."
    out = render.highlight(text, "Parler a porté plainte contre Amazon.", 4096)
    assert out == "Avant. **Parler a porté plainte contre Amazon.** Après."


def test_markdown_in_passage_is_escaped_around_the_bold_sentence():
    text = "Un *astérisque* ici. La clé est là. Et un `code`."
    out = render.highlight(text, "La clé est là.", 4096)
    assert out == "Un \\*astérisque\\* ici. **La clé est là.** Et un \\`code\\`."


def test_long_passage_keeps_key_sentence_and_marks_both_cuts():
    before = " ".join(f"Phrase avant numéro {i}." for i in range(100))
    after = " ".join(f"Phrase après numéro {i}." for i in range(100))
    key = "Amazon a coupé les serveurs de Parler."
    out = render.highlight(f"{before} {key} {after}", key, 500)
    assert len(out) <= 500
    assert f"**{key}**" in out
    assert out.startswith("… Phrase avant")
    assert out.endswith(". …")


def test_key_sentence_longer_than_limit_is_cut_on_a_word_and_stays_bold():
    out = render.highlight(LONG_SENTENCE, LONG_SENTENCE, 1000)
    assert len(out) <= 1000
    assert out.startswith("**Amazon Web Services") and out.endswith(" …**")


def test_answer_embed_cites_title_outlets_and_document_id(engine: Engine):
    answer = engine.ask("Devant quel tribunal Parler a-t-il déposé sa nouvelle plainte ?")
    embed = render.answer_embed(answer)
    best = answer.passages[0]
    assert embed.title == render.escape(best.document.title)
    assert f"**{render.escape(best.sentence)}**" in embed.description
    source = embed.fields[0].value
    assert all(outlet in source for outlet in best.document.sources)
    assert f"`{best.document.id}`" in source and f"`{best.passage.id}`" in source
    assert embed.footer.text == f"Question : {answer.question}"
    assert within_limits(embed)


def test_corroborating_articles_become_an_also_in_line():
    best = ranked("Amazon a suspendu Parler.", "Amazon a suspendu Parler.")
    others = tuple(
        ranked("Amazon a coupé Parler.", "Amazon a coupé Parler.", doc_id=i, title=f"T{i}")
        for i in ("901", "902")
    )
    embed = render.answer_embed(Answer("Qui a suspendu Parler ?", (best,), False, others))
    also = next(f for f in embed.fields if f.name.startswith("Also in"))
    assert also.value == "T901 [`901`]; T902 [`902`]"


def test_conflicting_articles_are_shown_beside_the_best_with_sources():
    best = ranked("Parler s'est replié chez Epik.", "Parler s'est replié chez Epik.")
    other = ranked(
        "Parler a trouvé refuge chez SkySilk.",
        "Parler a trouvé refuge chez SkySilk.",
        doc_id="901",
        title="Un autre article",
        sources=("NPR",),
    )
    answer = Answer("Quel hébergeur a accueilli Parler ?", (best,), False, conflicting=(other,))
    embed = render.answer_embed(answer)
    shown = [f for f in embed.fields if f.name.startswith("Another article")]
    assert len(shown) == 1
    assert "**Parler a trouvé refuge chez SkySilk.**" in shown[0].value
    assert "Un autre article" in shown[0].value and "NPR" in shown[0].value
    assert "`901`" in shown[0].value
    assert embed.colour == render.CONFLICT_COLOUR


def test_oversize_answer_fits_every_discord_limit():
    best = ranked(LONG_SENTENCE, LONG_SENTENCE, title="Titre " * 80, sources=("Média",) * 300)
    others = tuple(
        ranked(LONG_SENTENCE, LONG_SENTENCE, doc_id=f"{i:03}", title="Autre titre " * 30)
        for i in range(40)
    )
    answer = Answer("question " * 60, (best, *others[:2]), False, others, others[:5])
    embed = render.answer_embed(answer)
    assert within_limits(embed)
    assert ends_cleanly(embed.title)
    assert embed.description.startswith("**Amazon Web Services")


def test_question_round_trips_through_the_footer():
    question = "Pourquoi Amazon a-t-il suspendu Parler ? *vraiment*"
    answer = Answer(question, (ranked("Un texte.", "Un texte."),), False)
    embeds = [render.answer_embed(answer)]
    assert render.question_from_embeds(embeds) == question


def test_abstention_says_what_the_bot_knows_and_suggests_two_questions():
    answer = Answer(
        "@everyone <@&42> recette de la *tarte* ?",
        (),
        True,
        suggestions=("Pourquoi Parler a-t-il retiré sa plainte ?", "Qui est John Matze ?"),
        topics="Parler, Amazon",
    )
    embed = render.abstention_embed(answer)
    assert "They are about: Parler, Amazon." in embed.description
    assert "• Qui est John Matze ?" in embed.description
    assert "@everyone" not in embed.description and "<@&42>" not in embed.description
    assert "\\*tarte\\*" in embed.description
    assert within_limits(embed)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@everyone et @here", "@\u200beveryone et @\u200bhere"),
        ("<@123> <@!123> <@&7> <#9>", "<\u200b@123> <\u200b@!123> <\u200b@&7> <\u200b#9>"),
        ("rien à signaler", "rien à signaler"),
    ],
)
def test_neutralise_defuses_mass_role_and_user_mentions(text: str, expected: str):
    assert render.neutralise(text) == expected


def test_more_passages_are_numbered_and_share_the_6000_characters():
    passages = tuple(
        ranked(LONG_SENTENCE, LONG_SENTENCE, doc_id=f"{i:03}", title=f"Article {i}")
        for i in range(12)
    )
    answer = Answer("Une question ?", passages, False)
    embeds = render.passages_embeds(answer, 1, 10)
    assert [e.title for e in embeds] == [f"{n}. Article {n - 1}" for n in range(2, 12)]
    assert within_limits(*embeds)
    assert render.question_from_embeds(embeds) == "Une question ?"


def test_article_pages_keep_every_passage_in_order_within_the_page_size(engine: Engine):
    document = engine.documents[0]
    passages = engine.corpus.passages_of(document.id)
    pages = render.article_pages(passages)
    assert all(len(p) <= render.ARTICLE_PAGE_CHARS for p in pages)
    ids = re.findall(r"`(\d{3}:\d+)`", "\n".join(pages))
    assert ids == [p.id for p in passages]


def test_a_passage_longer_than_a_page_goes_on_over_the_next_pages():
    # One sentence of some 9,000 characters: once cut at 1,500 with an ellipsis.
    passages = [
        Passage(id="900:0", doc_id="900", position=0, text="Un début court.", section="Faits"),
        Passage(id="900:1", doc_id="900", position=1, text=LONG_SENTENCE, section="Faits"),
        Passage(id="900:2", doc_id="900", position=2, text="La fin de l'article."),
    ]
    pages = render.article_pages(passages)
    assert len(pages) > 5
    assert all(len(page) <= render.ARTICLE_PAGE_CHARS for page in pages)
    whole = "\n\n".join(pages)
    assert whole.count("__Faits__") == 1
    ids = re.findall(r"`(900:\d+)`", whole)
    assert ids[0] == "900:0" and ids[-1] == "900:2" and set(ids[1:-1]) == {"900:1"}
    # Every word of the long passage is shown, in order, the last one included.
    shown = re.sub(r"`900:1` … ", "", whole.split("`900:2`")[0].split("`900:1` ", 1)[1])
    assert shown.split() == render.escape(LONG_SENTENCE).split()


def test_split_to_fit_cuts_after_sentences_and_loses_nothing():
    text = "Première phrase assez longue. Deuxième phrase, un peu plus longue encore. Fin."
    pieces = render.split_to_fit(text, 40)
    assert pieces == [
        "Première phrase assez longue.",
        "Deuxième phrase, un peu plus longue",
        "encore. Fin.",
    ]
    assert render.split_to_fit("", 40) == []


def test_article_embed_gives_metadata_and_page_count(engine: Engine):
    document = engine.corpus.document("000")
    embed, pages = render.article_embed(document, engine.corpus.passages_of("000"), 0)
    assert pages >= 1
    assert {f.name for f in embed.fields} >= {"Article", "Date"}
    assert embed.footer.text.startswith(f"Page 1/{pages}")
    assert within_limits(embed)


def test_listing_pages_split_many_articles_under_the_description_limit():
    documents = [Document(id=f"{i:05}", title="Titre assez long " * 5) for i in range(500)]
    embed, pages = render.listing_embed(documents, 3)
    assert pages > 1
    assert embed.footer.text.startswith(f"Page 4/{pages}")
    assert within_limits(embed)


def test_autocomplete_choices_match_typed_words_ignoring_accents(engine: Engine):
    suggestions = engine.suggestions(100)
    choices = render.matching_choices(suggestions, "replie")
    assert choices and all("replié" in c.name for c in choices)
    assert len(render.matching_choices(suggestions, "")) == min(25, len(suggestions))


def test_autocomplete_choices_are_at_most_25_of_at_most_100_characters():
    candidates = [f"Question numéro {i} " + "très longue " * 20 for i in range(60)]
    choices = render.matching_choices(candidates, "question")
    assert len(choices) == 25
    assert all(1 <= len(c.name) <= 100 and 1 <= len(c.value) <= 100 for c in choices)
    assert all(ends_cleanly(c.name) for c in choices)


def test_article_choices_show_title_and_give_the_id(engine: Engine):
    choices = render.article_choices(engine.documents, "désiste")
    assert [c.value for c in choices] == ["004"]
    assert choices[0].name.startswith("004 · Parler se désiste")


def test_spelling_the_answer_was_found_with_is_shown(engine: Engine) -> None:
    answer = engine.ask("aprler a porté plainte contre amazon ?")
    assert answer.corrections == (("aprler", "parler"),)
    embed = render.answer_embed(answer)
    read = [f.value for f in embed.fields if f.name.startswith("Read as")]
    assert read == ["aprler → parler"]
    assert within_limits(embed)
    assert "aprler → parler" in formats.answer_text(answer)


def test_an_answer_without_corrections_says_nothing_about_spelling(engine: Engine) -> None:
    answer = engine.ask("Parler a porté plainte contre Amazon ?")
    assert not any(f.name.startswith("Read as") for f in render.answer_embed(answer).fields)
    assert "lu comme" not in formats.answer_text(answer)
