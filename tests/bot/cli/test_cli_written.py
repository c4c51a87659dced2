"""`newsbot ask` with written answers on: the answer first, passages numbered to match."""

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.cli.test_cli import QUESTION, newsbot
from tests.index.answers.fake_openai_server import FakeOpenAI, Reply, running_fake_openai, text


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with running_fake_openai() as fake:
        monkeypatch.setenv("NEWSBOT_LLM_URL", fake.base_url)
        monkeypatch.setenv("NEWSBOT_LLM_MODEL", "test-model")
        yield fake


def test_ask_prints_the_written_answer_then_numbered_passages(indexed: Path, endpoint: FakeOpenAI):
    endpoint.script(text("The summit was dropped [1], an invented [7]."))

    result = newsbot("ask", "--k", "3", QUESTION)

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Answer\nThe summit was dropped [1], an invented.")
    passages = out.split("\n\n", 1)[1]
    assert passages.startswith("[1] ")  # the cited passage, under the number cited
    assert "in English" in endpoint.message("system")


def test_ask_json_adds_answer_and_citations(indexed: Path, endpoint: FakeOpenAI):
    endpoint.script(text("Dropped [2] after talks [1] [9]."))

    payload = json.loads(newsbot("ask", "--json", "--k", "3", QUESTION).stdout)

    assert payload["answer"] == "Dropped [2] after talks [1]."
    hits = payload["hits"]
    assert payload["citations"] == [
        {
            "n": n,
            "article_id": hits[n - 1]["article_id"],
            "title": hits[n - 1]["title"],
            "source": hits[n - 1]["source"],
            "url": hits[n - 1]["url"],
        }
        for n in (2, 1)
    ]
    user = endpoint.message("user")
    for n, hit in enumerate(hits, start=1):
        assert f'<passage id="{n}" source="' in user
        assert hit["text"] in user
        if hit["source"].endswith(".txt"):  # a local file: readers never see its file name
            assert hit["source"] not in user
        else:
            assert f'<passage id="{n}" source="{hit["source"]}"' in user


@pytest.mark.parametrize("reply", [Reply(status=429), None], ids=["rate-limited", "down"])
def test_ask_falls_back_to_passages(
    indexed: Path, endpoint: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, reply: Reply | None
):
    if reply is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        monkeypatch.setenv("NEWSBOT_LLM_URL", f"http://127.0.0.1:{port}/v1")
    else:
        endpoint.script(reply)

    result = newsbot("ask", "--json", QUESTION)
    plain = newsbot("ask", QUESTION)

    payload = json.loads(result.stdout)
    assert payload["answer"] is None and payload["citations"] == []
    assert payload["hits"]
    assert plain.exit_code == 0 and not plain.stdout.startswith("Answer")
    assert "slow down" not in plain.stdout


def test_off_keeps_the_passages_only_shape(indexed: Path):
    payload = json.loads(newsbot("ask", "--json", QUESTION).stdout)
    assert "answer" not in payload and "citations" not in payload
