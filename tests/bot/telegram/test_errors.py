"""One error tree; a Telegram user reads every error in their language, never raw English."""

import ast
import inspect

import pytest

import index.errors
from bot.settings import Settings
from bot.telegram import texts
from bot.telegram.app import BotApplication
from bot.telegram.chat import error_text
from bot.telegram.services import Services
from index.errors import (
    DatabaseCorruptError,
    FetchError,
    ModelMismatchError,
    NewsbotError,
    QuestionError,
    SourceError,
    SubscriptionError,
)
from tests.bot.fake_bot_api import FakeBotAPI, message, private_chat, user, visible_text
from tests.conftest import REPO
from tests.news_server import NewsSite, Route

RUSSIAN_ADMIN = user(7101, name="Админ", language_code="ru")


@pytest.fixture
def bot_settings(bot_settings: Settings) -> Settings:
    update = {"admin_ids": [RUSSIAN_ADMIN["id"]], "allow_private_urls": True}
    return bot_settings.model_copy(update=update)


def error_classes() -> list[type[NewsbotError]]:
    return [
        c for _, c in inspect.getmembers(index.errors, inspect.isclass)
        if issubclass(c, NewsbotError)
    ]  # fmt: skip


def test_every_error_class_lives_in_errors_py_and_is_drawn_in_its_tree():
    defined_elsewhere = []
    for module in [*(REPO / "index").rglob("*.py"), *(REPO / "bot").rglob("*.py")]:
        if module == REPO / "index" / "errors.py":
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                getattr(b, "id", "").endswith("Error") for b in node.bases
            ):
                defined_elsewhere.append(f"{module.relative_to(REPO)}: {node.name}")
    assert defined_elsewhere == []
    tree = index.errors.__doc__ or ""
    assert [c.__name__ for c in error_classes() if c.__name__ not in tree] == []
    assert len({c.default_code for c in error_classes()}) == len(error_classes())


def test_an_error_code_falls_back_along_its_ancestors():
    assert FetchError("x", "fetch_status", status=404).codes() == [
        "fetch_status", "fetch_failed", "source", "input", "error"
    ]  # fmt: skip
    assert "404" in error_text("en", FetchError("x", "fetch_status", status=404))
    assert error_text("vi", SourceError("x", "no_such_code")) == texts.text("vi", "error_source")
    assert error_text("ru", ValueError("boom")) == texts.text("ru", "error")


@pytest.mark.parametrize("lang", texts.languages())
@pytest.mark.parametrize(
    "exc",
    [
        QuestionError("the question is long", "question_too_long", length=12_000, limit=1_000),
        QuestionError("the question is empty"),
        SubscriptionError("this chat has 20 subscriptions", "too_many", limit=20),
        ModelMismatchError("the 2 stored articles are not embedded with the current model"),
        DatabaseCorruptError("/data/newsbot.sqlite3 is damaged"),
        FetchError("content type is not one of", "fetch_type", type="<image/png>"),
    ],
    ids=lambda e: getattr(e, "code", None),
)
def test_no_error_shows_its_english_message(lang: str, exc: NewsbotError):
    shown = error_text(lang, exc)
    assert str(exc) not in shown and "Traceback" not in shown
    assert "<image/png>" not in shown  # values are escaped for Telegram HTML
    if lang != "en":
        assert shown != error_text("en", exc)


async def test_a_refused_source_is_explained_in_the_admins_language(
    api: FakeBotAPI, app: BotApplication, site: NewsSite, services: Services
):
    site.routes["/secret.png"] = Route(b"\x89PNG", content_type="image/png")
    chat = private_chat(RUSSIAN_ADMIN)
    command = f"/addsource {site.url('/secret.png')}"
    await api.inject({"message": message(chat, RUSSIAN_ADMIN, command)})
    await api.next_call("sendMessage", chat_id=chat["id"])
    refused = visible_text((await api.next_call("editMessageText", chat_id=chat["id"])).text)
    assert "Не удалось добавить" in refused
    assert "это image/png, а не лента и не веб-страница." in refused
    assert "content type" not in refused
