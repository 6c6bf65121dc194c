"""Persistent buttons: all their state is in the custom_id, so they work after a restart.

Custom ids are `qa:<action>:<state>`, at most 100 characters (Discord's limit):
- `qa:more:<offset>[:<best passage id>]`: the next passages of the answer the button sits
  under. The question is read back from that message's footer; the best passage id
  tells whether the corpus changed since.
- `qa:read:<doc id>`: the article of an answer, ephemeral, first page.
- `qa:page:<page>:<doc id>`: another page of an article (edits the message).
- `qa:list:<page>`: another page of the article list (edits the message).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

import discord
from discord.ui import Button, DynamicItem, View

from bot.discord import render
from bot.discord.replies import report_error, respond
from knowledge.answer import Answer

if TYPE_CHECKING:
    from bot.discord.client import QABot

log = logging.getLogger(__name__)

CUSTOM_ID_LIMIT = 100


def _client(interaction: discord.Interaction) -> QABot:
    return cast("QABot", interaction.client)


def _fits(custom_id: str) -> bool:
    if len(custom_id) > CUSTOM_ID_LIMIT:
        log.warning("custom_id over %d characters, button left out: %s", CUSTOM_ID_LIMIT, custom_id)
        return False
    return True


class MorePassages(DynamicItem[Button], template=r"qa:more:(?P<offset>\d+)(?::(?P<best>.+))?"):
    """The next passages of an answer, for the user who clicks (ephemeral)."""

    def __init__(self, offset: int, best: str | None = None) -> None:
        custom_id = f"qa:more:{offset}"
        if best is not None and len(f"{custom_id}:{best}") <= CUSTOM_ID_LIMIT:
            custom_id = f"{custom_id}:{best}"
        else:
            best = None  # too long to carry: the corpus-changed check is skipped
        super().__init__(
            Button(
                label="More passages (autres passages)",
                emoji="📄",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id,
            )
        )
        self.offset = offset
        self.best = best

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: Any
    ) -> MorePassages:
        return cls(int(match["offset"]), match["best"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            with _client(interaction).asker.answering():
                await self._show_more(interaction)
        except Exception as error:
            await report_error(interaction, error)

    async def _show_more(self, interaction: discord.Interaction) -> None:
        bot = _client(interaction)
        message = interaction.message
        question = render.question_from_embeds(message.embeds) if message else None
        if question is None:
            await respond(interaction, content=render.CHANGED_NOTICE, ephemeral=True)
            return
        bot.asker.spend(interaction.user.id)
        if bot.asker.must_defer(interaction):
            await interaction.response.defer(ephemeral=True, thinking=True)
        # A message carries at most EMBEDS_PER_MESSAGE passages: the next button starts
        # after the last one shown, whatever QA_TOP_K asks for.
        count = min(bot.settings.top_k, render.EMBEDS_PER_MESSAGE)
        # One more than shown, to know whether a further "more passages" button is useful.
        answer = await bot.asker.ask(question, k=self.offset + count + 1)
        if answer.abstained or (self.best and answer.passages[0].passage.id != self.best):
            await respond(interaction, content=render.CHANGED_NOTICE, ephemeral=True)
            return
        embeds = render.passages_embeds(answer, self.offset, count)
        if not embeds:
            await respond(interaction, content=render.NO_MORE_NOTICE, ephemeral=True)
            return
        view = answer_view(answer, self.offset + count, read=False)
        await respond(interaction, embeds=embeds, view=view, ephemeral=True)


class ReadArticle(DynamicItem[Button], template=r"qa:read:(?P<doc>.+)"):
    """The whole article an answer comes from, first page, for the clicker only."""

    def __init__(self, doc_id: str) -> None:
        super().__init__(
            Button(
                label="Read the article (lire l'article)",
                emoji="📰",
                style=discord.ButtonStyle.secondary,
                custom_id=f"qa:read:{doc_id}",
            )
        )
        self.doc_id = doc_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: Any
    ) -> ReadArticle:
        return cls(match["doc"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await show_article(interaction, self.doc_id, page=0)
        except Exception as error:
            await report_error(interaction, error)


class ArticlePage(DynamicItem[Button], template=r"qa:page:(?P<page>\d+):(?P<doc>.+)"):
    """Previous/next page of an article: edits the message it sits on."""

    def __init__(self, doc_id: str, page: int, label: str) -> None:
        super().__init__(
            Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"qa:page:{page}:{doc_id}",
            )
        )
        self.doc_id = doc_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: Any
    ) -> ArticlePage:
        return cls(match["doc"], int(match["page"]), getattr(item, "label", None) or "page")

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await show_article(interaction, self.doc_id, page=self.page, edit=True)
        except Exception as error:
            await report_error(interaction, error)


class ListingPage(DynamicItem[Button], template=r"qa:list:(?P<page>\d+)"):
    """Previous/next page of the article list: edits the message it sits on."""

    def __init__(self, page: int, label: str) -> None:
        super().__init__(
            Button(label=label, style=discord.ButtonStyle.secondary, custom_id=f"qa:list:{page}")
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: Any
    ) -> ListingPage:
        return cls(int(match["page"]), getattr(item, "label", None) or "page")

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            embed, pages = render.listing_embed(_client(interaction).engine.documents, self.page)
            # A reload may have left fewer pages than the button's: the last one is shown.
            view = listing_view(min(self.page, pages - 1), pages)
            await interaction.response.edit_message(embed=embed, view=view)
        except Exception as error:
            await report_error(interaction, error)


DYNAMIC_ITEMS: tuple[type[DynamicItem[Any]], ...] = (
    MorePassages,
    ReadArticle,
    ArticlePage,
    ListingPage,
)


def answer_view(answer: Answer, next_offset: int, *, read: bool = True) -> View | None:
    """Buttons under an answer: "more passages" when the engine has more than is shown,
    "read the article" for the best passage's article."""
    best = answer.best
    if best is None:
        return None
    view = View(timeout=None)
    if len(answer.passages) > next_offset:
        view.add_item(MorePassages(next_offset, best.passage.id))
    if read and _fits(f"qa:read:{best.document.id}"):
        view.add_item(ReadArticle(best.document.id))
    return view if view.children else None


def article_view(doc_id: str, page: int, pages: int) -> View | None:
    """◀ ▶ buttons around an article page, only where there is a page to go to."""
    view = View(timeout=None)
    if page > 0 and _fits(f"qa:page:{page - 1}:{doc_id}"):
        view.add_item(ArticlePage(doc_id, page - 1, "◀ Previous"))
    if page + 1 < pages and _fits(f"qa:page:{page + 1}:{doc_id}"):
        view.add_item(ArticlePage(doc_id, page + 1, "Next ▶"))
    return view if view.children else None


def listing_view(page: int, pages: int) -> View | None:
    view = View(timeout=None)
    if page > 0:
        view.add_item(ListingPage(page - 1, "◀ Previous"))
    if page + 1 < pages:
        view.add_item(ListingPage(page + 1, "Next ▶"))
    return view if view.children else None


async def show_article(
    interaction: discord.Interaction, doc_id: str, page: int, *, edit: bool = False
) -> None:
    """One page of an article, ephemeral; `edit` replaces the message the button is on."""
    engine = _client(interaction).engine
    if not engine.corpus.has_document(doc_id):
        notice = f"I no longer have article {render.escape(doc_id)}: /sources lists those I have."
        await respond(interaction, content=notice, ephemeral=True)
        return
    document = engine.corpus.document(doc_id)
    embed, pages = render.article_embed(document, engine.corpus.passages_of(doc_id), page)
    view = article_view(doc_id, min(page, pages - 1), pages)
    if edit:
        await interaction.response.edit_message(embed=embed, view=view)
    else:
        await respond(interaction, embeds=[embed], view=view, ephemeral=True)
