"""Answers, article pages and notices as Discord embeds and text, within Discord's limits."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.formats import WHOLE_QUESTION
from knowledge.analysis import fold
from knowledge.answer import ASKS_ONLY_WHAT_KIND, Answer, RankedPassage
from knowledge.corpus import Document, Passage
from knowledge.sentences import pack, split_sentences

# Discord's documented limits; the API rejects a message over any of them (error 50035).
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000  # title + description + field names and values + footer + author
EMBEDS_PER_MESSAGE = 10
CHOICES_LIMIT = 25
CHOICE_CHARS = 100

# A page of an article stays well under the description limit: a wall of 4,000
# characters is unreadable in a chat window, and three pages read better than one.
ARTICLE_PAGE_CHARS = 1800
# The list of articles: one line each, pages of this many characters.
LISTING_PAGE_CHARS = 3000
# Questions longer than this (only if an operator raises max_question_chars) are cut in
# the footer: title, source, two conflicts and the "also in" line then still leave
# 600 characters for the passage.
FOOTER_QUESTION_CHARS = 1000
# Conflicting articles shown beside the answer; more would crowd the embed.
MAX_CONFLICTING = 2
# The answer embed keeps its question here: the "more passages" button reads it back
# from the message, so the button needs no server-side state and survives restarts.
QUESTION_PREFIX = "Question : "

ANSWER_COLOUR = discord.Colour.blurple()
CONFLICT_COLOUR = discord.Colour.orange()
ABSTAIN_COLOUR = discord.Colour.light_grey()

ELLIPSIS = "…"
_SPACE = re.compile(r"\s")
# Raw user, role and channel mentions (<@1>, <@!1>, <@&1>, <#1>): a zero-width space
# after "<" shows them as text instead of a mention chip.
_RAW_MENTION = re.compile(r"<(?=(?:@[!&]?|#)\d+>)")


def neutralise(text: str) -> str:
    """User text made harmless to echo: no @everyone/@here, no mention chips."""
    return _RAW_MENTION.sub("<\u200b", escape_mentions(text))


def escape(text: str) -> str:
    """User or article text as literal Discord text: markdown escaped, mentions neutralised."""
    return escape_markdown(neutralise(text))


def shorten(text: str, limit: int, render: Callable[[str], str] = str) -> str:
    """`render(text)` if it fits in `limit`, else the rendering of the longest prefix that
    ends a sentence (or, when that would drop more than half, a word) plus an ellipsis.

    Rendering (escaping) can only lengthen text, so the prefix is cut against the raw
    text and shrunk until its rendering fits; a cut never falls inside a word, except
    for a single word longer than the whole limit.
    """
    if limit < 1:
        return ""
    rendered = render(text)
    if len(rendered) <= limit:
        return rendered
    budget = limit
    while budget > 0:
        prefix, whole_word = _prefix(text, budget - 2)
        if not prefix:
            return ELLIPSIS
        # After a whole word the ellipsis stands apart; inside one word it is glued.
        candidate = f"{render(prefix)}{' ' if whole_word else ''}{ELLIPSIS}"
        if len(candidate) <= limit:
            return candidate
        budget -= max(1, len(candidate) - limit)
    return ELLIPSIS


def split_to_fit(text: str, limit: int, render: Callable[[str], str] = str) -> list[str]:
    """`text` rendered in pieces of at most `limit` characters each, cut where `shorten`
    cuts (after a sentence, else a word): a page of an article must not lose the end
    of a long paragraph, as French legal prose often is one sentence."""
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        piece = render(rest)
        if len(piece) <= limit:
            pieces.append(piece)
            break
        budget = limit
        while True:
            prefix = _prefix(rest, budget)[0] or rest[:1]
            # The comma a cut falls before ends this piece, not the next.
            after = rest[len(prefix) :]
            prefix += after[: len(after) - len(after.lstrip(",;:"))]
            piece = render(prefix)
            if len(piece) <= limit or len(prefix) == 1:
                break
            budget -= max(1, len(piece) - limit)
        pieces.append(piece)
        rest = rest[len(prefix) :].lstrip()
    return pieces


def _prefix(text: str, room: int) -> tuple[str, bool]:
    """The longest prefix of at most `room` characters ending a sentence, else a word;
    and whether it ends on a word boundary (False only for a word longer than `room`)."""
    if room <= 0:
        return "", True
    end = 0
    position = 0
    for sentence in split_sentences(text):
        start = text.find(sentence, position)
        if start < 0:
            break
        stop = start + len(sentence)
        if stop > room:
            break
        end = position = stop
    if end >= room // 2:
        return text[:end].rstrip(), True
    cut = max((m.start() for m in _SPACE.finditer(text, 0, room + 1)), default=-1)
    if cut <= 0:
        return text[: room + 1], False
    return text[:cut].rstrip(" ,;:-–—(«\"'"), True


def highlight(text: str, sentence: str, limit: int) -> str:
    """The passage as markdown with its key sentence in bold, within `limit` characters.

    When the passage is too long, whole sentences around the key sentence are kept,
    one after it then one before it in turn, and an ellipsis marks each cut side.
    """
    start = text.find(sentence) if sentence else -1
    if start < 0:
        return shorten(text, limit, escape)
    before = split_sentences(text[:start])
    after = split_sentences(text[start + len(sentence) :])
    whole = _join(before, [f"**{escape(sentence)}**"], after)
    if len(whole) <= limit:
        return whole
    marks = len(f"{ELLIPSIS} ") + len(f" {ELLIPSIS}")
    key = f"**{shorten(sentence, max(1, limit - 4 - marks), escape)}**"
    kept_before: list[str] = []
    kept_after: list[str] = []
    # Alternate sides so the key sentence keeps context before and after it.
    open_before, open_after = bool(before), bool(after)
    while open_before or open_after:
        if open_after:
            trial_after = [*kept_after, after[len(kept_after)]]
            if len(_join(kept_before, [key], trial_after)) + marks <= limit:
                kept_after = trial_after
            else:
                open_after = False
            open_after = open_after and len(kept_after) < len(after)
        if open_before:
            trial_before = [before[len(before) - len(kept_before) - 1], *kept_before]
            if len(_join(trial_before, [key], kept_after)) + marks <= limit:
                kept_before = trial_before
            else:
                open_before = False
            open_before = open_before and len(kept_before) < len(before)
    body = _join(kept_before, [key], kept_after)
    if len(kept_before) < len(before):
        body = f"{ELLIPSIS} {body}"
    if len(kept_after) < len(after):
        body = f"{body} {ELLIPSIS}"
    return body


def _join(before: Sequence[str], key: Sequence[str], after: Sequence[str]) -> str:
    return " ".join([*(escape(s) for s in before), *key, *(escape(s) for s in after)])


def source_line(
    document: Document, passage: Passage | None = None, limit: int = FIELD_VALUE_LIMIT
) -> str:
    """`2021-03 · Reuters, The Verge · article 003 (passage 003:2)` as markdown; a long
    list of outlets is cut to `limit`, never the date or the ids."""
    where = f"article {_code(document.id)}"
    if passage is not None:
        where += f" (passage {_code(passage.id)})"
    parts = [escape(document.date)] if document.date else []
    fixed = " · ".join([*parts, where])
    room = limit - len(fixed) - len(" · ")
    if document.sources and room >= 20:
        parts.append(fit_items([escape(s) for s in document.sources], room, ", "))
    return shorten(" · ".join([*parts, where]), limit)


def _code(identifier: str) -> str:
    """An id in inline code; backticks in it would end the code span, so they go."""
    return f"`{identifier.replace('`', '')}`"


def _citation(ranked: RankedPassage) -> str:
    document = ranked.document
    title = escape(document.title)
    return f"{title} — {source_line(document, ranked.passage)}"


def _link(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) else None


def answer_embed(answer: Answer) -> discord.Embed:
    """The best passage, key sentence in bold, with its source; conflicting articles
    beside it and corroborating ones in an "also in" line; the question in the footer."""
    best = answer.best
    if best is None:
        return abstention_embed(answer)
    embed = discord.Embed(
        title=shorten(best.document.title, TITLE_LIMIT, escape),
        url=_link(best.document.url),
        colour=CONFLICT_COLOUR if answer.conflicting else ANSWER_COLOUR,
    )
    embed.add_field(name="Source", value=source_line(best.document, best.passage))
    for other in answer.conflicting[:MAX_CONFLICTING]:
        embed.add_field(
            name="Another article says otherwise (un autre article diverge)",
            value=_quote(other, FIELD_VALUE_LIMIT),
            inline=False,
        )
    if answer.corroborating:
        also = [
            f"{shorten(p.document.title, 200, escape)} [{_code(p.document.id)}]"
            for p in answer.corroborating
        ]
        embed.add_field(
            name="Also in (aussi dans)", value=fit_items(also, FIELD_VALUE_LIMIT), inline=False
        )
    if answer.corrections:
        # The spelling the answer was found with, so a user sees what was understood.
        read = [f"{escape(t)} → {escape(r)}" for t, r in answer.corrections]
        embed.add_field(
            name="Read as (lu comme)", value=fit_items(read, FIELD_VALUE_LIMIT, ", "), inline=False
        )
    embed.set_footer(text=question_footer(answer.question))
    embed.description = highlight(best.text, best.sentence, _room_for_description(embed))
    return embed


def _quote(ranked: RankedPassage, limit: int) -> str:
    citation = shorten(_citation(ranked), limit // 2)
    room = limit - len(citation) - len("» ****\n— ")
    sentence = shorten(ranked.sentence, room, escape)
    return f"» **{sentence}**\n— {citation}"


def fit_items(items: Sequence[str], limit: int, separator: str = "; ") -> str:
    """Whole items joined while they fit, then how many were left out."""
    kept: list[str] = []
    for number, item in enumerate(items):
        rest = len(items) - number - 1
        tail = f"{separator}{ELLIPSIS} (+{rest})" if rest else ""
        if len(separator.join([*kept, item]) + tail) > limit:
            break
        kept.append(item)
    left = len(items) - len(kept)
    text = separator.join(kept)
    if left:
        text = f"{text}{separator}{ELLIPSIS} (+{left})" if kept else f"{ELLIPSIS} (+{left})"
    return shorten(text, limit)


def question_footer(question: str) -> str:
    """Footers show text as is (no markdown); mentions are defused all the same. Capped
    below the footer limit so the rest of a full embed always fits in 6,000."""
    return shorten(QUESTION_PREFIX + neutralise(question), FOOTER_QUESTION_CHARS)


def embed_as_text(embed: discord.Embed) -> str:
    """The embed as a message's text, for a channel where the bot may not embed (no
    Embed Links there): title in bold, description, fields, the footer in italics,
    the description cut to fit Discord's 2,000 characters."""
    head = [f"**{embed.title}**"] if embed.title else []
    tail = [f"**{field.name}**\n{field.value}" for field in embed.fields]
    if embed.footer and embed.footer.text:
        # Footers are plain text (mentions already defused): markdown is escaped here.
        tail.append(f"*{escape_markdown(embed.footer.text)}*")
    room = CONTENT_LIMIT - sum(len(part) + 2 for part in head + tail)
    description = embed.description or ""
    if len(description) > room:
        description = shorten(description, max(0, room - 2))
        if description.count("**") % 2:
            description += "**"  # the bold key sentence was cut: close it
    text = "\n\n".join(part for part in (*head, description, *tail) if part)
    return text[:CONTENT_LIMIT]


def question_from_embeds(embeds: Sequence[discord.Embed]) -> str | None:
    """The question an answer message was for, read back from its footer."""
    for embed in embeds:
        text = embed.footer.text if embed.footer else None
        if text and text.startswith(QUESTION_PREFIX):
            return text[len(QUESTION_PREFIX) :].strip() or None
    return None


def question_from_message(message: discord.Message) -> str | None:
    """The question of an answer the bot sent, from its embed's footer or, sent as text
    where it may not embed (`embed_as_text`), from its last line, "*Question : ...*"."""
    found = question_from_embeds(message.embeds)
    if found is not None:
        return found
    last = message.content.rstrip().rpartition("\n")[2]
    opening = f"*{QUESTION_PREFIX}"
    if last.startswith(opening) and last.endswith("*") and len(last) > len(opening) + 1:
        return re.sub(r"\\(.)", r"\1", last[len(opening) : -1]).strip() or None
    return None


def _room_for_description(embed: discord.Embed, total_limit: int = EMBED_TOTAL_LIMIT) -> int:
    """Characters left for the description once everything else is counted."""
    used = len(embed) - len(embed.description or "")
    return max(0, min(DESCRIPTION_LIMIT, total_limit - used))


def passages_embeds(answer: Answer, offset: int, count: int) -> list[discord.Embed]:
    """Passages `offset`..`offset + count - 1` of an answer, one embed each, numbered from
    1 for the best; together within the 6,000 characters a message may carry, each
    embed taking an equal share (titles and sources shrink first when many are shown)."""
    chosen = list(enumerate(answer.passages, start=1))[offset : offset + count]
    chosen = chosen[:EMBEDS_PER_MESSAGE]
    if not chosen:
        return []
    footer = question_footer(answer.question)
    share = (EMBED_TOTAL_LIMIT - len(footer)) // len(chosen)
    embeds = []
    for number, ranked in chosen:
        embed = discord.Embed(
            title=shorten(
                f"{number}. {ranked.document.title}", min(TITLE_LIMIT, share // 5), escape
            ),
            url=_link(ranked.document.url),
            colour=ANSWER_COLOUR,
        )
        embed.add_field(
            name="Source",
            value=source_line(ranked.document, ranked.passage, min(FIELD_VALUE_LIMIT, share // 4)),
        )
        embed.description = highlight(
            ranked.text, ranked.sentence, _room_for_description(embed, share)
        )
        embeds.append(embed)
    embeds[-1].set_footer(text=footer)
    return embeds


def abstention_embed(answer: Answer) -> discord.Embed:
    """A short, polite refusal: what the articles are about and questions that work."""
    lines = [
        WHOLE_QUESTION
        if answer.reason == ASKS_ONLY_WHAT_KIND
        else f"I can't answer « {shorten(answer.question, 300, escape)} » from the articles "
        "I know (je ne trouve pas de réponse dans mes articles)."
    ]
    if answer.topics:
        lines.append(f"They are about: {escape(answer.topics)}.")
    if answer.suggestions:
        lines.append("")
        lines.append("Try for example (essayez par exemple) :")
        lines.extend(f"• {escape(s)}" for s in answer.suggestions[:2])
    embed = discord.Embed(
        title="No answer in the articles (pas de réponse)",
        description=shorten("\n".join(lines), DESCRIPTION_LIMIT),
        colour=ABSTAIN_COLOUR,
    )
    return embed


def listing_pages(documents: Sequence[Document]) -> list[str]:
    """The articles, one line each (id, title, date, outlets), split into pages."""
    lines = [_listing_line(d) for d in documents]
    return paginate(lines, LISTING_PAGE_CHARS, separator="\n")


def _listing_line(document: Document) -> str:
    details = [d for d in (document.date, ", ".join(document.sources)) if d]
    tail = f" — {escape(' · '.join(details))}" if details else ""
    title = shorten(document.title, 200, escape)
    return f"{_code(document.id)} **{title}**{tail}"


def listing_embed(documents: Sequence[Document], page: int) -> tuple[discord.Embed, int]:
    """One page of the article list and the page count."""
    pages = listing_pages(documents) or ["(no articles)"]
    page = min(max(page, 0), len(pages) - 1)
    embed = discord.Embed(
        title=f"Articles I know ({len(documents)})",
        description=pages[page],
        colour=ANSWER_COLOUR,
    )
    footer = "/source id shows one article"
    if len(pages) > 1:
        footer = f"Page {page + 1}/{len(pages)} · {footer}"
    embed.set_footer(text=footer)
    return embed, len(pages)


def article_pages(passages: Sequence[Passage]) -> list[str]:
    """An article's passages as markdown pages, headings kept above their paragraphs. A
    passage longer than a page goes on over the next, its id repeated after an ellipsis."""
    blocks: list[str] = []
    section: str | None = None
    for passage in passages:
        pieces = split_to_fit(passage.text, ARTICLE_PAGE_CHARS - 300, escape) or [""]
        if passage.section and passage.section != section:
            pieces[0] = f"__{shorten(passage.section, 200, escape)}__\n{pieces[0]}"
        section = passage.section
        blocks.append(f"{_code(passage.id)} {pieces[0]}")
        blocks += [f"{_code(passage.id)} {ELLIPSIS} {piece}" for piece in pieces[1:]]
    return paginate(blocks, ARTICLE_PAGE_CHARS, separator="\n\n")


def article_embed(
    document: Document, passages: Sequence[Passage], page: int
) -> tuple[discord.Embed, int]:
    """One page of an article: metadata fields and a page of its passages."""
    pages = article_pages(passages) or ["(no passages)"]
    page = min(max(page, 0), len(pages) - 1)
    embed = discord.Embed(
        title=shorten(document.title, TITLE_LIMIT, escape),
        url=_link(document.url),
        description=pages[page],
        colour=ANSWER_COLOUR,
    )
    embed.add_field(name="Article", value=_code(document.id))
    if document.date:
        embed.add_field(name="Date", value=escape(document.date))
    if document.sources:
        embed.add_field(
            name="Cited outlets (sources citées)",
            value=fit_items([escape(s) for s in document.sources], FIELD_VALUE_LIMIT),
        )
    embed.set_footer(text=f"Page {page + 1}/{len(pages)} · {len(passages)} passages")
    return embed, len(pages)


def paginate(blocks: Sequence[str], limit: int, separator: str) -> list[str]:
    """Blocks grouped in order into pages of at most `limit` characters; a block longer
    than a page gets a page of its own, shortened."""
    fitted = (block if len(block) <= limit else shorten(block, limit) for block in blocks)
    return pack(fitted, limit, separator)


def help_embed(topics: str, examples: Sequence[str], max_question_chars: int) -> discord.Embed:
    """How to ask, what the bot knows about and two questions that work."""
    lines = [
        "I answer questions about the 2021 legal dispute between Parler and Amazon Web "
        "Services, from French news articles, in French or in English, and I cite the "
        "article each answer comes from.",
        "",
        "**Ask** (poser une question)",
        "• mention me with your question in a channel, or write to me in a DM;",
        "• `/ask question` (add `private: True` to be the only one to see the answer);",
        "• then « Pourquoi ? », « Et quand ? » or « why? » alone asks about your last question.",
        "",
        "**Browse** (parcourir)",
        "• `/sources`: the articles I know;",
        "• `/source id`: one article, page by page.",
        "",
        f"Questions are limited to {max_question_chars} characters.",
    ]
    if topics:
        lines += ["", f"The articles are about: {escape(topics)}."]
    if examples:
        lines += ["", "For example (par exemple) :"]
        lines += [f"• {escape(q)}" for q in examples[:2]]
    return discord.Embed(
        title="How to ask (mode d'emploi)",
        description=shorten("\n".join(lines), DESCRIPTION_LIMIT),
        colour=ANSWER_COLOUR,
    )


@dataclass(frozen=True)
class Choice:
    """An autocomplete choice: what the user sees and what the option receives."""

    name: str
    value: str


def choice(text: str, value: str | None = None) -> Choice:
    """A choice cut to Discord's 100 characters at a word boundary; the value is the
    text itself unless given (an article id)."""
    name = shorten(text, CHOICE_CHARS)
    return Choice(name=name, value=name if value is None else value)


def matching_choices(candidates: Sequence[str], typed: str) -> list[Choice]:
    """Up to 25 candidates holding every word typed so far, accents and case ignored;
    the first 25 when nothing is typed."""
    wanted = fold(typed).split()
    found = [c for c in candidates if all(w in fold(c) for w in wanted)]
    return [choice(c) for c in found[:CHOICES_LIMIT]]


def article_choices(documents: Sequence[Document], typed: str) -> list[Choice]:
    """Articles whose id or title holds what was typed, as `003 · Title` -> `003`."""
    wanted = fold(typed).split()
    found = [
        d
        for d in documents
        if len(d.id) <= CHOICE_CHARS and all(w in fold(f"{d.id} {d.title}") for w in wanted)
    ]
    return [choice(f"{d.id} · {d.title}", d.id) for d in found[:CHOICES_LIMIT]]


EMPTY_NOTICE = (
    "Ask me a question about Parler and Amazon, for example: "
    "`Pourquoi Amazon a-t-il suspendu Parler ?`"
)


def cooldown_notice(retry_after: float, questions: int, seconds: float) -> str:
    wait = max(1, round(retry_after + 0.49))
    return (
        f"You're asking quickly: {questions} questions per {seconds:g} seconds at most. "
        f"Try again in {wait} s (encore {wait} s de patience)."
    )


ERROR_NOTICE = (
    "Something went wrong on my side while answering; it has been logged. "
    "Please try again in a moment."
)

CHANGED_NOTICE = (
    "The articles have changed since this answer was given: please ask the question again."
)

NO_MORE_NOTICE = "There are no more passages for this question."
