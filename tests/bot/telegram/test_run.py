"""`newsbot run` as a user starts it: a real process, the real offline model, the fake API."""

import asyncio
import logging
import os
import signal
import socket
import sys
from pathlib import Path

import httpx
from typer.testing import CliRunner

from bot.cli.main import app
from tests.bot.fake_bot_api import TOKEN, FakeBotAPI, check_text, message, private_chat, user
from tests.conftest import REPO, SEEDS


def test_run_without_a_token_says_how_to_get_one(env_settings: Path):
    result = CliRunner().invoke(app, ["run"])

    assert result.exit_code == 1
    assert "NEWSBOT_TELEGRAM_TOKEN" in result.output and "@BotFather" in result.output
    # Nothing was set up on the runner's stderr, which is closed now ("--- Logging error ---").
    root = logging.getLogger()
    closed = [h for h in root.handlers if isinstance(h, logging.StreamHandler) and h.stream.closed]
    assert closed == []


def test_webhook_mode_without_a_secret_is_refused(env_settings: Path, monkeypatch):
    monkeypatch.setenv("NEWSBOT_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("NEWSBOT_WEBHOOK_URL", "https://bot.example.org/hook")

    result = CliRunner().invoke(app, ["run"])

    assert result.exit_code == 2 and "NEWSBOT_WEBHOOK_SECRET" in result.output


async def test_newsbot_run_answers_in_english_and_hindi(env_settings: Path, api: FakeBotAPI):
    assert CliRunner().invoke(app, ["index", str(SEEDS)]).exit_code == 0
    env = {**os.environ, "NEWSBOT_TELEGRAM_TOKEN": TOKEN, "NEWSBOT_TELEGRAM_API_URL": api.base_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        "run",
        cwd=REPO,
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        english, hindi = user(50, "en"), user(51, "hi")
        question = "Why was the Budapest summit dropped?"
        await api.inject({"message": message(private_chat(english), english, question)})
        await api.inject(
            {"message": message(private_chat(hindi), hindi, "बुडापेस्ट शिखर सम्मेलन क्यों रद्द हुआ?")}
        )

        answer = await api.next_call("sendMessage", chat_id=50, timeout=120)
        reply = await api.next_call("sendMessage", chat_id=51, timeout=30)
    finally:
        await api.end_polls()
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)

    assert "VTC News" in answer.text and "22 Oct 2025" in answer.text
    assert check_text(reply.params) is None
    assert any("\u0900" <= ch <= "\u097f" for ch in reply.text)  # a Hindi answer or Hindi words
    assert process.returncode == 0
    assert b"newsbot is up as @newsbot_test_bot" in stderr
    assert TOKEN.encode() not in stderr and TOKEN.split(":")[1].encode() not in stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _post_when_listening(url: str, update: dict, secret: str) -> httpx.Response:
    """POST as Telegram would, once the webhook server listens (readiness, with a deadline)."""
    deadline = asyncio.get_running_loop().time() + 120
    async with httpx.AsyncClient() as client:
        while True:
            try:
                return await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
                )
            except httpx.ConnectError:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.1)


async def test_newsbot_run_in_webhook_mode_checks_the_secret(env_settings: Path, api: FakeBotAPI):
    assert CliRunner().invoke(app, ["index", str(SEEDS)]).exit_code == 0
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/newsbot-hook"
    env = {
        **os.environ,
        "NEWSBOT_TELEGRAM_TOKEN": TOKEN,
        "NEWSBOT_TELEGRAM_API_URL": api.base_url,
        "NEWSBOT_WEBHOOK_URL": hook,
        "NEWSBOT_WEBHOOK_SECRET": "s3cret-token",
        "NEWSBOT_WEBHOOK_PORT": str(port),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        "run",
        cwd=REPO,
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        registered = await api.next_call("setWebhook", timeout=120)
        person = user(60, "en")
        update = {
            "update_id": 1,
            "message": message(
                private_chat(person), person, "What territory does Russia demand in Donbas?"
            ),
        }
        forged = await _post_when_listening(hook, update, "wrong-secret")
        genuine = await _post_when_listening(hook, {**update, "update_id": 2}, "s3cret-token")
        answer = await api.next_call("sendMessage", chat_id=60, timeout=60)
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)

    assert registered.params["url"] == hook
    assert registered.params["secret_token"] == "s3cret-token"
    assert forged.status_code == 403 and genuine.status_code == 200
    assert len(api.calls_of("sendMessage", 60)) == 1  # only the genuine update was answered
    assert "VTC News" in answer.text
    assert TOKEN.encode() not in stderr and b"s3cret-token" not in stderr


async def test_a_token_telegram_rejects_is_one_clear_line_without_the_token(
    env_settings: Path, api: FakeBotAPI
):
    rejected = "999999:AAThisTokenIsRejected-and-must-stay-secret"
    env = {
        **os.environ,
        "NEWSBOT_TELEGRAM_TOKEN": rejected,
        "NEWSBOT_TELEGRAM_API_URL": api.base_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli.main", "run", cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), 120)

    output = (stdout + stderr).decode()
    assert process.returncode == 1
    assert "Telegram rejected the bot token" in output and "NEWSBOT_TELEGRAM_TOKEN" in output
    assert "Traceback" not in output
    assert rejected not in output and rejected.split(":")[1] not in output
