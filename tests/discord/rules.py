"""Discord's validation rules, as the stand-in enforces them: limits, components,
autocomplete, command definitions, and who a message would ping."""

from __future__ import annotations

import re
from typing import Any

EPHEMERAL = 1 << 6
LOADING = 1 << 7
INTERACTION_DEADLINE = 3.0
# Privileged intents: GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT.
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)
USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")


class Rejection(Exception):
    """A request Discord would refuse: status, Discord error code, message, field errors."""

    def __init__(self, status: int, code: int, message: str, errors: dict | None = None):
        super().__init__(f"{status} {code} {message} {errors or ''}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


class FormErrors:
    """Collects field errors in Discord's nested `{"field": {"_errors": [...]}}` shape."""

    def __init__(self) -> None:
        self.errors: dict[str, Any] = {}

    def add(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        node = self.errors
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: tuple[str | int, ...], value: Any, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def length_between(self, path: tuple[str | int, ...], value: Any, low: int, high: int):
        if not isinstance(value, str) or not low <= len(value) <= high:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def raise_if_any(self) -> None:
        if self.errors:
            raise Rejection(400, 50035, "Invalid Form Body", self.errors)


def validate_message(payload: dict[str, Any], *, allow_ephemeral: bool, partial: bool) -> None:
    """Discord's rules for a message body (create, or edit when `partial`)."""
    form = FormErrors()
    content = payload.get("content")
    form.max_length(("content",), content, 2000)
    embeds = payload.get("embeds") or []
    if len(embeds) > 10:
        form.add(("embeds",), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        form.max_length(("embeds", i, "title"), embed.get("title"), 256)
        form.max_length(("embeds", i, "description"), embed.get("description"), 4096)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            form.add(("embeds", i, "fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer.")
        for j, fld in enumerate(fields):
            form.length_between(("embeds", i, "fields", j, "name"), fld.get("name"), 1, 256)
            form.length_between(("embeds", i, "fields", j, "value"), fld.get("value"), 1, 1024)
        footer = (embed.get("footer") or {}).get("text")
        form.max_length(("embeds", i, "footer", "text"), footer, 2048)
        author = (embed.get("author") or {}).get("name")
        form.max_length(("embeds", i, "author", "name"), author, 256)
        total += sum(
            len(x or "")
            for x in [
                embed.get("title"),
                embed.get("description"),
                footer,
                author,
                *(f.get("name") for f in fields),
                *(f.get("value") for f in fields),
            ]
        )
        url = embed.get("url")
        if url is not None and not str(url).startswith(("http://", "https://")):
            form.add(("embeds", i, "url"), "URL_TYPE_INVALID_URL", "Not a well formed URL.")
    if total > 6000:
        form.add(("embeds",), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
    validate_components(payload.get("components"), form)
    flags = payload.get("flags") or 0
    if flags & EPHEMERAL and not allow_ephemeral:
        form.add(("flags",), "MESSAGE_FLAGS_INVALID", "Ephemeral only in interaction responses.")
    mentions = payload.get("allowed_mentions")
    if mentions is not None:
        parse = mentions.get("parse", [])
        if not set(parse) <= {"users", "roles", "everyone"}:
            form.add(("allowed_mentions", "parse"), "ENUM_TYPE_COERCE", "Not a valid choice.")
        if "users" in parse and mentions.get("users"):
            form.add(("allowed_mentions",), "BASE_TYPE_BAD", "users in parse and in users.")
        if "roles" in parse and mentions.get("roles"):
            form.add(("allowed_mentions",), "BASE_TYPE_BAD", "roles in parse and in roles.")
    form.raise_if_any()
    if not partial and not (
        content
        or embeds
        or payload.get("components")
        or payload.get("attachments")
        or payload.get("sticker_ids")
        or payload.get("poll")
    ):
        raise Rejection(400, 50006, "Cannot send an empty message")


def validate_components(components: Any, form: FormErrors) -> None:
    if not components:
        return
    if len(components) > 5:
        form.add(("components",), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    seen: set[str] = set()
    for i, row in enumerate(components):
        if row.get("type") != 1:
            form.add(("components", i, "type"), "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "Need a row.")
            continue
        children = row.get("components") or []
        if not 1 <= len(children) <= 5:
            form.add(
                ("components", i, "components"),
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 5 in length.",
            )
        for j, child in enumerate(children):
            path: tuple[str | int, ...] = ("components", i, "components", j)
            if child.get("type") != 2:
                continue
            form.max_length((*path, "label"), child.get("label"), 80)
            if child.get("style") == 5:
                if not child.get("url") or "custom_id" in child:
                    form.add(path, "BUTTON_COMPONENT_INVALID", "Link buttons need a url only.")
                continue
            custom_id = child.get("custom_id")
            form.length_between((*path, "custom_id"), custom_id, 1, 100)
            if custom_id in seen:
                form.add(
                    (*path, "custom_id"),
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            seen.add(custom_id)
            if not child.get("label") and not child.get("emoji"):
                form.add(path, "BUTTON_COMPONENT_INVALID", "A button needs a label or emoji.")


def pings(payload: dict[str, Any], replied_user_id: int | None) -> list[str]:
    """Who a message would notify, by Discord's allowed_mentions rules."""
    content = payload.get("content") or ""
    allowed = payload.get("allowed_mentions")
    if allowed is None:
        parse = {"users", "roles", "everyone"}
        users: set[str] = set()
        roles: set[str] = set()
        replied = True
    else:
        parse = set(allowed.get("parse", []))
        users = set(map(str, allowed.get("users", [])))
        roles = set(map(str, allowed.get("roles", [])))
        replied = bool(allowed.get("replied_user", False))
    found = []
    if "everyone" in parse and ("@everyone" in content or "@here" in content):
        found.append("everyone")
    for user_id in USER_MENTION.findall(content):
        if "users" in parse or user_id in users:
            found.append(f"user:{user_id}")
    for role_id in ROLE_MENTION.findall(content):
        if "roles" in parse or role_id in roles:
            found.append(f"role:{role_id}")
    if replied_user_id is not None and replied:
        found.append(f"reply:{replied_user_id}")
    return found


def validate_choices(data: dict[str, Any]) -> None:
    """An autocomplete answer: at most 25 choices, names and string values 1-100 long."""
    form = FormErrors()
    choices = data.get("choices")
    if not isinstance(choices, list):
        form.add(("data", "choices"), "BASE_TYPE_REQUIRED", "This field is required")
        form.raise_if_any()
    if len(choices) > 25:
        form.add(("data", "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, item in enumerate(choices):
        form.length_between(("data", "choices", i, "name"), item.get("name"), 1, 100)
        value = item.get("value")
        if isinstance(value, str):
            form.length_between(("data", "choices", i, "value"), value, 1, 100)
    form.raise_if_any()


def validate_commands(body: Any) -> None:
    """A bulk overwrite of application commands, as Discord checks it."""
    form = FormErrors()
    if not isinstance(body, list) or len(body) > 100:
        raise Rejection(400, 50035, "Invalid Form Body")
    names = set()
    for i, command in enumerate(body):
        name = command.get("name", "")
        if not COMMAND_NAME.match(name) or name != name.lower():
            form.add((i, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Invalid name")
        if name in names:
            form.add((i, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Duplicate")
        names.add(name)
        if command.get("type", 1) == 1:
            form.length_between((i, "description"), command.get("description"), 1, 100)
        options = command.get("options") or []
        if len(options) > 25:
            form.add((i, "options"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer.")
        optional_seen = False
        for j, option in enumerate(options):
            oname = option.get("name", "")
            if not COMMAND_NAME.match(oname) or oname != oname.lower():
                form.add((i, "options", j, "name"), "APPLICATION_COMMAND_INVALID_NAME", "?")
            form.length_between((i, "options", j, "description"), option.get("description"), 1, 100)
            if option.get("required"):
                if optional_seen:
                    form.add(
                        (i, "options", j),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
            else:
                optional_seen = True
            if option.get("autocomplete") and option.get("choices"):
                form.add((i, "options", j), "AUTOCOMPLETE_AND_CHOICES", "Both set")
    form.raise_if_any()
