"""A fake Telegram Bot API server on 127.0.0.1, for running the real python-telegram-bot.

It answers `/bot<token>/<method>` like Telegram does: getMe, getUpdates (long polling with
`offset` and `timeout`, woken by injected updates, never by sleeping), sendMessage,
editMessageText, editMessageReplyMarkup, answerCallbackQuery, answerInlineQuery (checking
what Telegram checks of its results), and True for anything else (setMyCommands,
sendChatAction, deleteWebhook...). It checks what Telegram checks about the HTML we send
(balanced supported tags, escaped `<` and `&`, at most 4096 characters after parsing), records
every call so a test can await "the next sendMessage to chat X", and can be told to fail the
next call of a method (429 with retry_after, 403 blocked, 500), or that a group has become a
supergroup (every call to the old id: 400 with migrate_to_chat_id).

Updates are built by `message()` and friends and fed with `inject()`.
"""

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

from bot.telegram.app import ALLOWED_UPDATES, BotApplication

TOKEN = "123456:AAFakeTokenForTests-do-not-log-me"
BOT = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Newsbot",
    "username": "newsbot_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
MAX_TEXT = 4096
_TEXT_PARAMS = {"text", "callback_query_id", "secret_token", "url", "description", "language_code",
                "inline_query_id"}  # fmt: skip
_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
         "tg-spoiler", "tg-emoji", "blockquote"}  # fmt: skip
_BARE_AMP = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


@dataclass
class Call:
    """One Bot API request the bot made."""

    method: str
    params: dict[str, Any]
    seen: bool = False
    at: float = field(default_factory=time.monotonic)  # when the API received it

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def button_data(self) -> list[str]:
        markup = self.params.get("reply_markup") or {}
        return [
            b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row
        ]


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None
    migrate_to_chat_id: int | None = None
    chat_id: int | None = None  # only calls to this chat fail (None: any call)


@dataclass
class FakeBotAPI:
    """The server, its recorded calls, pending updates and scripted failures."""

    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    sent: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    chat_admins: set[tuple[int, int]] = field(default_factory=set)  # (chat id, user id)
    _always: dict[str, dict[int, Failure]] = field(default_factory=dict)
    _migrated: dict[int, int] = field(default_factory=dict)  # old chat id -> new
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _failures: dict[str, list[Failure]] = field(default_factory=dict)
    _holds: dict[str, asyncio.Event] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    _closing: bool = False
    port: int = 0

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def end_polls(self) -> None:
        """From now on getUpdates answers at once, so the bot can stop without waiting."""
        async with self._changed:
            self._closing = True
            self._changed.notify_all()

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # --- what tests do ----------------------------------------------------------------------

    async def inject(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for the bot's next getUpdates; returns it with its update_id."""
        update = {"update_id": next(self._ids), **update}
        for value in update.values():
            if isinstance(value, dict) and "chat" in value:
                self.chats[value["chat"]["id"]] = value["chat"]
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()
        return update

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
        *,
        migrate_to_chat_id: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ):
        """Answer the next call(s) of `method` (to `chat_id`) with an error instead."""
        failure = Failure(status, description, retry_after, migrate_to_chat_id, chat_id)
        self._failures.setdefault(method, []).extend([failure] * times)

    def hold_next(self, method: str) -> asyncio.Event:
        """The next call of `method` is done (recorded, a message sent) but its answer waits
        until the returned event is set: Telegram got it, the bot never hears back in time."""
        self._holds[method] = asyncio.Event()
        return self._holds[method]

    def fail_always(self, method: str, chat_id: int, status: int, description: str) -> None:
        """Every call of `method` to `chat_id` fails (a user who blocked the bot)."""
        self._always.setdefault(method, {})[chat_id] = Failure(status, description)

    def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group `old_chat_id` is now the supergroup `new_chat_id`, as Telegram says it."""
        self._migrated[old_chat_id] = new_chat_id
        self.chats[new_chat_id] = {"id": new_chat_id, "type": "supergroup", "title": "Migrated"}

    async def next_call(
        self,
        method: str,
        chat_id: int | None = None,
        where: Callable[[Call], bool] = lambda call: True,
        timeout: float = 10,
    ) -> Call:
        """The first call of `method` (to `chat_id`) not returned before; waits for it."""

        def find() -> Call | None:
            for call in self.calls:
                if call.seen or call.method != method:
                    continue
                if (chat_id is None or call.chat_id == chat_id) and where(call):
                    return call
            return None

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(find), timeout)
            call = find()
            assert call is not None
            call.seen = True
            return call

    async def wait_for_count(
        self, method: str, count: int, where: Callable[[Call], bool] = lambda call: True,
        timeout: float = 60,
    ) -> None:  # fmt: skip
        """Wait until at least `count` calls of `method` (that satisfy `where`) are recorded."""

        def enough() -> bool:
            return sum(1 for c in self.calls if c.method == method and where(c)) >= count

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(enough), timeout)

    def last_sent(self, chat_id: int) -> dict[str, Any]:
        """The newest message the bot sent (or edited) in `chat_id`, as Telegram holds it: what
        a button press on it carries."""
        return self.sent[max(key for key in self.sent if key[0] == chat_id)]

    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or c.chat_id == chat_id)
        ]  # noqa: E501

    # --- the API ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = _params(await request.post() if request.can_read_body else {})
        call = Call(method, params)
        failure = self._pop_failure(method, params)
        if failure is None:
            response = await getattr(self, f"_{method}", self._default)(params)
        else:
            response = _error(
                failure.status,
                failure.description,
                failure.retry_after,
                failure.migrate_to_chat_id,
            )
        text = str(response.text)
        if method != "getUpdates" or response.status != 200 or json.loads(text)["result"]:
            async with self._changed:
                self.calls.append(call)
                self._changed.notify_all()
        hold = self._holds.pop(method, None)
        if hold is not None:
            await hold.wait()
        return response

    def _pop_failure(self, method: str, params: dict[str, Any]) -> Failure | None:
        raw = str(params.get("chat_id", ""))
        chat_id = int(raw) if raw.lstrip("-").isdigit() else None
        if chat_id in self._migrated:
            return Failure(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self._migrated[chat_id],
            )
        if chat_id is not None and chat_id in self._always.get(method, {}):
            return self._always[method][chat_id]
        pending = self._failures.get(method, [])
        for i, failure in enumerate(pending):
            if failure.chat_id is None or failure.chat_id == chat_id:
                return pending.pop(i)
        return None

    async def _getChatMember(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        status = "administrator" if (chat_id, user_id) in self.chat_admins else "member"
        person = {"id": user_id, "is_bot": False, "first_name": "Someone"}
        extra = {"can_be_edited": False, "can_manage_chat": True, "can_delete_messages": True,
                 "can_manage_video_chats": True, "can_restrict_members": True,
                 "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
                 "is_anonymous": False, "can_post_stories": False, "can_edit_stories": False,
                 "can_delete_stories": False} if status == "administrator" else {}  # fmt: skip
        return _ok({"status": status, "user": person, **extra})

    async def _default(self, params: dict[str, Any]) -> web.Response:
        return _ok(True)

    async def _getMe(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        return _ok(BOT)

    async def _getUpdates(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        async with self._changed:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and timeout > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates) or self._closing),
                        timeout,
                    )
            return _ok(list(self._updates[: int(params.get("limit") or 100)]))

    async def _sendMessage(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        problem = check_text(params)
        if problem:
            return _error(400, f"Bad Request: {problem}")
        chat = self.chats.get(
            int(params["chat_id"]), {"id": int(params["chat_id"]), "type": "private"}
        )  # noqa: E501
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": BOT,
            "text": visible_text(params["text"])
            if params.get("parse_mode") == "HTML"
            else params["text"],  # noqa: E501
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.sent[(chat["id"], message["message_id"])] = message
        return _ok(message)

    async def _editMessageText(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        problem = check_text(params)
        if problem:
            return _error(400, f"Bad Request: {problem}")
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.sent:
            return _error(400, "Bad Request: message to edit not found")
        current = self.sent[key]
        if current["text"] == visible_text(params["text"]) and current.get(
            "reply_markup"
        ) == params.get("reply_markup"):
            return _error(400, "Bad Request: message is not modified")
        message = {
            **self.sent[key],
            "text": visible_text(params["text"]),
            "edit_date": int(time.time()),
        }  # noqa: E501
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.sent[key] = message
        return _ok(message)

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        if len(str(params.get("text", ""))) > 200:
            return _error(400, "Bad Request: MESSAGE_TOO_LONG")
        return _ok(True)

    async def _editMessageReplyMarkup(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.sent:
            return _error(400, "Bad Request: message to edit not found")
        message = dict(self.sent[key])
        if message.get("reply_markup") == params.get("reply_markup"):
            return _error(400, "Bad Request: message is not modified")
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.sent[key] = message
        return _ok(message)

    async def _answerInlineQuery(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            return _error(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if len(set(ids)) != len(ids) or any(not 0 < len(i.encode()) <= 64 for i in ids):
            return _error(400, "Bad Request: RESULT_ID_INVALID")
        for result in results:
            content = result.get("input_message_content") or {}
            problem = None if result.get("title") else "RESULT_TITLE_EMPTY"
            problem = problem or check_text(
                {"text": content.get("message_text", ""), "parse_mode": content.get("parse_mode")}
            )
            if problem:
                return _error(400, f"Bad Request: {problem}")
        return _ok(True)


# --- checks Telegram makes ------------------------------------------------------------------


class _Entities(HTMLParser):
    """Parses Telegram HTML the strict way: supported tags only, properly nested."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            self.problem = self.problem or f'can\'t parse entities: unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problem = self.problem or f'can\'t parse entities: unmatched end tag "{tag}"'
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_text(markup: str) -> str:
    parser = _Entities()
    parser.feed(markup)
    parser.close()
    return "".join(parser.text)


def check_text(params: dict[str, Any]) -> str | None:
    """What Telegram would refuse in a message text, or None."""
    text = str(params.get("text", ""))
    if params.get("parse_mode") == "HTML":
        parser = _Entities()
        parser.feed(text)
        parser.close()
        if _BARE_AMP.search(text):
            return "can't parse entities: unescaped &"
        if parser.problem or parser.stack:
            return parser.problem or "can't parse entities: unclosed tag"
        text = html.unescape("".join(parser.text))
    if not text.strip():
        return "message text is empty"
    if len(text.encode("utf-16-le", "surrogatepass")) // 2 > MAX_TEXT:
        return "message is too long"
    return None


# --- responses and requests -----------------------------------------------------------------


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(
    status: int,
    description: str,
    retry_after: int | None = None,
    migrate_to_chat_id: int | None = None,
) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    if migrate_to_chat_id is not None:
        body["parameters"] = {"migrate_to_chat_id": migrate_to_chat_id}
    return web.json_response(body, status=status)


def _params(form: Any) -> dict[str, Any]:
    """Form fields as PTB sends them: JSON for objects and numbers, plain strings for text."""
    params: dict[str, Any] = {}
    for key, value in dict(form).items():
        if key in _TEXT_PARAMS:
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except (ValueError, TypeError):
            params[key] = value
    return params


# --- updates as Telegram sends them ---------------------------------------------------------

_message_numbers = itertools.count(1)


def user(user_id: int = 42, language_code: str | None = "en", name: str = "Asha") -> dict:
    person: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": name}
    if language_code:
        person["language_code"] = language_code
    return person


def private_chat(person: dict) -> dict:
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


def group_chat(chat_id: int = -100777, title: str = "News fans") -> dict:
    return {"id": chat_id, "type": "supergroup", "title": title}


def channel_chat(chat_id: int = -100888) -> dict:
    return {"id": chat_id, "type": "channel", "title": "A channel"}


def message(chat: dict, sender: dict | None, text: str | None = None, **extra: Any) -> dict:
    """A message; commands and @mentions in `text` get their entities (UTF-16 offsets)."""
    body: dict[str, Any] = {
        "message_id": next(_message_numbers),
        "date": int(time.time()),
        "chat": chat,
        **extra,
    }
    if sender is not None:
        body["from"] = sender
    if text is not None:
        body["text"] = text
        entities = _entities(text)
        if entities:
            body["entities"] = entities
    return body


def _entities(text: str) -> list[dict]:
    found = []
    for match in re.finditer(r"(?<!\S)(/\w+(?:@\w+)?)|(@\w{5,})", text):
        kind = "bot_command" if match.group(1) else "mention"
        if kind == "bot_command" and match.start() != 0:
            continue
        offset = len(text[: match.start()].encode("utf-16-le", "surrogatepass")) // 2
        length = len(match.group(0).encode("utf-16-le", "surrogatepass")) // 2
        found.append({"type": kind, "offset": offset, "length": length})
    return found


def inline_query(sender: dict, query: str) -> dict:
    """`@bot query` typed in some chat."""
    return {"id": str(next(_message_numbers)), "from": sender, "query": query, "offset": ""}


def callback_query(sender: dict, bot_message: dict, data: str) -> dict:
    return {
        "id": str(next(_message_numbers)),
        "from": sender,
        "message": bot_message,
        "chat_instance": "1",
        "data": data,
    }


@asynccontextmanager
async def running(app: BotApplication) -> AsyncIterator[BotApplication]:
    """What `run_polling` does, inside the test's event loop."""
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(timeout=5, allowed_updates=ALLOWED_UPDATES)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
        await app.shutdown()
