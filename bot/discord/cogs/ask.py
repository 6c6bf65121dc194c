"""Questions by mention, DM and /ask; browsing with /sources, /source and /help."""

from __future__ import annotations

import contextlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render, views
from bot.discord.asking import OnCooldown, QuestionRejected
from bot.discord.mentions import addressed_question, message_text, plain_text, slash_question
from bot.discord.replies import respond
from bot.followups import Conversations
from bot.formats import clean_input
from bot.smalltalk import SmallTalk, small_talk, small_talk_reply

if TYPE_CHECKING:
    from bot.discord.client import QABot
    from knowledge.engine import Engine

log = logging.getLogger(__name__)

# The main answer shows the best passage; "more passages" starts with the second.
FIRST_MORE_OFFSET = 1
# Replies remembered so that an edited question is answered in place (a few hundred
# bytes each); an older question's edit is ignored.
REMEMBERED_REPLIES = 1000
# Discord's error code for a permission the bot lacks (here: Embed Links).
MISSING_PERMISSIONS = 50013


class AskCog(commands.Cog, name="Questions"):
    """Reads the question, asks the engine through the shared Asker, renders the Answer."""

    def __init__(self, bot: QABot) -> None:
        self.bot = bot
        # Question message id -> the bot's reply, newest last: an edited question is
        # answered again in that reply.
        self._replies: OrderedDict[int, discord.Message] = OrderedDict()
        # Each user's last question in each channel: "pourquoi ?" right after asks about it.
        self._conversations = Conversations()
        # Channels where Discord refused the bot's embeds, until one goes through again
        # (told once in the log): edits there go as text.
        self._no_embeds: set[int] = set()
        # Questions being answered, and the last edit each got meanwhile: a typo fixed
        # before the reply exists is answered once it does. Those deleted meanwhile
        # have their reply deleted once it exists.
        self._answering: dict[int, discord.Message | None] = {}
        self._deleted_while_answering: set[int] = set()

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answers DMs and messages that mention the bot; never bots, itself included."""
        me = self.bot.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        question = addressed_question(message, me)
        if question is None:
            return
        if not question and message.guild is None and message.message_snapshots:
            # A message forwarded to the bot's DMs: its text is in the snapshot.
            question = plain_text(message.message_snapshots[0].content)
        if not question:
            # A bare mention replying to someone's message asks the bot about it.
            replied = self._answered_question(message)
            reference = message.reference
            if replied and reference is not None and not _is_own(reference.resolved, me):
                question = replied
        self._answering[message.id] = None
        asked = message.content  # discord.py updates the cached message on an edit
        try:
            await self._answer_message(message, question)
            edited = self._answering.pop(message.id, None)
            if message.id in self._deleted_while_answering:
                await self._delete_reply(message.id)
            elif edited is not None and edited.content != asked:
                await self._answer_edit(edited)
        except discord.Forbidden:
            # A channel where the bot may read but not reply (or not embed): nothing to
            # tell the user there; the operator sees which channel in the log.
            log.warning("no permission to reply in channel %s", message.channel.id)
        except Exception:
            log.exception("error while answering message %s", message.id)
            with contextlib.suppress(discord.HTTPException):
                await self._reply(message, content=render.ERROR_NOTICE)
        finally:
            self._answering.pop(message.id, None)
            self._deleted_while_answering.discard(message.id)

    @commands.Cog.listener()
    async def on_message_edit(self, before: discord.Message, after: discord.Message) -> None:
        """A question edited after the bot replied (a typo fixed, a word added) is
        answered again in that reply, edited in place rather than repeated. Edits count
        against the cooldown like questions; past it the old reply stays."""
        if before.content == after.content:
            return  # only its embeds changed
        if after.id in self._answering:
            self._answering[after.id] = after  # answered again once the reply exists
            return
        await self._answer_edit(after)

    async def _answer_edit(self, after: discord.Message) -> None:
        """Answers an edited question again, in the reply to its earlier text."""
        reply = self._replies.get(after.id)
        me = self.bot.user
        if reply is None or me is None:
            return  # not a question the bot answered
        question = addressed_question(after, me)
        if question is None:
            return
        try:
            await self._answer_message(after, question, replacing=reply)
        except (discord.NotFound, discord.Forbidden):
            self._replies.pop(after.id, None)  # the reply is gone, or may not be edited
        except Exception:
            log.exception("error while answering edited message %s", after.id)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        """A question deleted (by its author or a moderator) takes the bot's reply with
        it: the reply quotes it, and a moderator removing an abusive question should
        not have to find and remove its echo too."""
        await self._delete_reply(payload.message_id)

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        for message_id in payload.message_ids:
            await self._delete_reply(message_id)

    async def _delete_reply(self, question_id: int) -> None:
        """Deletes the reply to a deleted question; one still on its way is deleted
        once it exists."""
        if question_id in self._answering:
            self._deleted_while_answering.add(question_id)
            return
        reply = self._replies.pop(question_id, None)
        if reply is not None:
            with contextlib.suppress(discord.HTTPException):
                await reply.delete()

    async def _answer_message(
        self, message: discord.Message, question: str, replacing: discord.Message | None = None
    ) -> None:
        """Replies to the question, or edits `replacing`, the reply to its earlier text."""
        asker = self.bot.asker

        async def send(**reply: Any) -> None:
            if replacing is not None:
                embed = reply.get("embed")
                if embed is not None and message.channel.id in self._no_embeds:
                    # An edit's embed is dropped there without a word: it goes as text.
                    reply = {"content": render.embed_as_text(embed)}
                await replacing.edit(**{"content": None, "embed": None, "view": None, **reply})
            else:
                self._remember(message.id, await self._reply(message, **reply))

        try:
            # An edit past the rate keeps its old answer and is not told: the next
            # question's refusal must still be.
            question = asker.admit(message.author.id, question, told=replacing is None)
        except OnCooldown as refusal:
            if refusal.first and replacing is None:
                await send(content=str(refusal))
            return
        except QuestionRejected as refusal:
            await send(content=str(refusal))
            return
        talk = small_talk(question)
        if talk is SmallTalk.HELP:
            await send(embed=self._help_embed())
            return
        if talk is not None:
            await send(content=self._small_talk_reply(talk))
            return
        follow_up = self._follow_up(
            (message.channel.id, message.author.id, ""), self._answered_question(message)
        )
        await asker.interactions_first()
        if asker.off_loop:
            async with message.channel.typing():
                answer = await asker.ask(question, follow_up=follow_up)
        else:
            answer = await asker.ask(question, follow_up=follow_up)
        view = views.answer_view(answer, FIRST_MORE_OFFSET)
        await send(embed=render.answer_embed(answer), view=view)

    def _follow_up(
        self, who: tuple[int | None, int, str], replying_to: str | None = None
    ) -> Callable[[Engine, str], str]:
        """What turns the question of `who` (channel, user) into the one to ask
        (`followups`)."""
        conversations = self._conversations

        def follow_up(engine: Engine, question: str) -> str:
            return conversations.question_to_ask(who, question, engine.parse, replying_to)

        return follow_up

    def _answered_question(self, message: discord.Message) -> str | None:
        """What the message replies to, if it does: the question of the bot's answer
        (a "pourquoi ?" in reply to an answer asks about that answer's question,
        whoever asked it), or a person's message ("@bot pourquoi ?" in reply to Bob's
        "Amazon a suspendu Parler" asks why Amazon did)."""
        reference = message.reference
        replied = reference.resolved if reference is not None else None
        me = self.bot.user
        if not isinstance(replied, discord.Message) or me is None:
            return None
        if replied.author.id == me.id:
            return render.question_from_message(replied)
        if replied.author.bot:
            return None
        return message_text(replied, me) or None

    def _remember(self, question_id: int, reply: discord.Message) -> None:
        self._replies[question_id] = reply
        if len(self._replies) > REMEMBERED_REPLIES:
            self._replies.popitem(last=False)

    def _small_talk_reply(self, talk: SmallTalk) -> str:
        engine = self.bot.engine
        return small_talk_reply(talk, engine.topics(), self.bot.suggestion_pool[:2], render.escape)

    async def _reply(
        self,
        message: discord.Message,
        *,
        content: str | None = None,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
    ) -> discord.Message:
        """A real reply that pings nobody and still posts if the question was deleted.
        Where the bot may not embed (Discord refuses an embed alone without Embed Links),
        the embed goes as text, without the buttons: they read the question from it."""
        reference = message.to_reference(fail_if_not_exists=False)
        try:
            sent = await message.channel.send(
                content=content,
                embed=embed,
                view=view or discord.utils.MISSING,
                reference=reference,
                mention_author=False,
            )
            if embed is not None:
                self._no_embeds.discard(message.channel.id)  # Embed Links granted since
            return sent
        except discord.Forbidden as exc:
            if embed is None or content or exc.code != MISSING_PERMISSIONS:
                raise
            if message.channel.id not in self._no_embeds:
                self._no_embeds.add(message.channel.id)
                log.warning(
                    "no Embed Links in channel %s: answering there in plain text, "
                    "without buttons (grant the bot Embed Links there)",
                    message.channel.id,
                )
            return await message.channel.send(
                content=render.embed_as_text(embed), reference=reference, mention_author=False
            )

    @app_commands.command(name="ask", description="Ask about Parler v. Amazon Web Services")
    @app_commands.describe(
        question="Your question, in French or in English",
        private="Only you see the answer (réponse visible par vous seul)",
    )
    async def ask(
        self, interaction: discord.Interaction, question: str, private: bool = False
    ) -> None:
        asker = self.bot.asker

        def name_of(user_id: int) -> str | None:
            user = self.bot.get_user(user_id)
            return user.display_name if user is not None else None

        question = asker.admit(interaction.user.id, slash_question(question, name_of))
        talk = small_talk(question)
        if talk is SmallTalk.HELP:
            await respond(interaction, embeds=[self._help_embed()], ephemeral=True)
            return
        if talk is not None:
            await respond(interaction, content=self._small_talk_reply(talk), ephemeral=private)
            return
        # A private question is followed up only privately: remembered apart, it can
        # never be joined to a public "Pourquoi ?" in the channel (and shown there).
        who = (interaction.channel_id, interaction.user.id, "private" if private else "")
        follow_up = self._follow_up(who)
        with asker.answering():
            if asker.must_defer(interaction):
                await interaction.response.defer(ephemeral=private, thinking=True)
            answer = await asker.ask(question, follow_up=follow_up)
            await respond(
                interaction,
                embeds=[render.answer_embed(answer)],
                view=views.answer_view(answer, FIRST_MORE_OFFSET),
                ephemeral=private,
            )

    @ask.autocomplete("question")
    async def ask_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=c.name, value=c.value)
            for c in render.matching_choices(self.bot.suggestion_pool, current)
        ]

    @app_commands.command(name="sources", description="The articles I answer from")
    async def sources(self, interaction: discord.Interaction) -> None:
        embed, pages = render.listing_embed(self.bot.engine.documents, 0)
        await respond(
            interaction, embeds=[embed], view=views.listing_view(0, pages), ephemeral=True
        )

    @app_commands.command(name="source", description="One article: its details and passages")
    @app_commands.describe(article="The article id, as /sources lists it (e.g. 003)")
    @app_commands.rename(article="id")
    async def source(self, interaction: discord.Interaction, article: str) -> None:
        document = self.bot.engine.corpus.find_document(article)
        if document is None:
            raise QuestionRejected(
                f"I have no article « {render.escape(clean_input(article).strip()[:100])} »: "
                "/sources lists the ids."
            )
        await views.show_article(interaction, document.id, page=0)

    @source.autocomplete("article")
    async def source_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=c.name, value=c.value)
            for c in render.article_choices(self.bot.engine.documents, current)
        ]

    @app_commands.command(name="help", description="How to ask me questions")
    async def help_command(self, interaction: discord.Interaction) -> None:
        await respond(interaction, embeds=[self._help_embed()], ephemeral=True)

    def _help_embed(self) -> discord.Embed:
        """What /help shows, and what "help" or "aide" typed as a question gets."""
        return render.help_embed(
            self.bot.engine.topics(),
            self.bot.suggestion_pool[:2],
            self.bot.settings.max_question_chars,
        )


def _is_own(message: object, me: discord.abc.Snowflake) -> bool:
    return isinstance(message, discord.Message) and message.author.id == me.id
