"""Optional written answers: a few sentences in the question's language, citing passages.

Off unless `NEWSBOT_LLM_URL` names an OpenAI-compatible endpoint (Ollama, llama.cpp, vLLM or
a hosted API). The writer is a convenience on top of the passages, never a dependency: any
failure (endpoint down, slow, rate-limited, empty or garbage reply, no valid citation) gives
None, the caller shows the passages alone, and the operator finds one log line (never the
key). One call per question; repeated questions are answered from a small LRU cache.
"""

import logging
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from index.answers.citations import clean_citations, strip_citations
from index.answers.citing import known_outlet
from index.answers.prompt import (
    PromptPassage,
    answer_messages,
    language_name,
    question_language,
    summary_messages,
)
from index.models import Answer, Article
from index.settings import WriterSettings

if TYPE_CHECKING:
    import openai

log = logging.getLogger(__name__)

_TEMPERATURE = 0.2
_MAX_ANSWER_CHARS = 2000  # 2-5 sentences; anything longer is the writer running away
_MAX_SUMMARY_CHARS = 300
_CACHE_SIZE = 256


@dataclass(frozen=True)
class WrittenAnswer:
    """The writer's text with only valid `[n]` markers; `citations` lists the n it uses."""

    text: str
    citations: tuple[int, ...]


class AnswerWriter:
    """Writes answers from passages through one OpenAI-compatible chat endpoint."""

    def __init__(self, settings: WriterSettings) -> None:
        if not settings.url:
            raise ValueError("AnswerWriter needs NEWSBOT_LLM_URL")
        self.settings = settings
        self._client: openai.OpenAI | None = None
        self._cache: OrderedDict[Hashable, WrittenAnswer | str] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: WriterSettings) -> "AnswerWriter | None":
        """The writer when an endpoint is configured, else None (and `openai` stays unloaded)."""
        return cls(settings) if settings.url else None

    # --- answers ------------------------------------------------------------------------

    def passages(self, answer: Answer) -> list[PromptPassage]:
        """The passages the writer sees, numbered as the reader sees them: hit i is [i+1]."""
        return [
            PromptPassage(
                number=i,
                text=hit.passage.text,
                source=known_outlet(hit.article) or "unknown",
                date=hit.article.published or "unknown",
            )
            for i, hit in enumerate(answer.hits[: self.settings.passages], start=1)
        ]

    def write(self, answer: Answer) -> WrittenAnswer | None:
        """A written answer to `answer.question` from its best passages, or None.

        The nearest passages (none answering closely) are given too: the writer is told to say
        in one sentence when they do not answer."""
        if not answer.hits:
            return None
        passages = self.passages(answer)
        key = ("answer", answer.question, tuple(h.passage.id for h in answer.hits[: len(passages)]))
        cached = self._cached(key)
        if isinstance(cached, WrittenAnswer):
            return cached
        messages = answer_messages(answer.question, passages, question_language(answer.question))
        reply = self._complete(messages)
        if reply is None:
            return None
        cleaned = clean_citations(reply[:_MAX_ANSWER_CHARS], len(passages))
        if cleaned is None:
            log.warning("answer writer: the reply cites no passage; showing passages only")
            return None
        written = WrittenAnswer(*cleaned)
        self._remember(key, written)
        return written

    # --- alerts -------------------------------------------------------------------------

    def summarize_for_alert(self, article: Article, text: str, target_lang: str) -> str | None:
        """One line in `target_lang` (ISO 639-1) saying what the passage `text` of `article`
        reports, for the top of an alert; None when off-line or unusable."""
        passage = PromptPassage(
            1, text, known_outlet(article) or "unknown", article.published or ""
        )
        key = ("summary", article.id, text, target_lang)
        cached = self._cached(key)
        if isinstance(cached, str):
            return cached
        reply = self._complete(summary_messages(passage, language_name(target_lang)))
        if reply is None:
            return None
        line = " ".join(strip_citations(reply).split())
        if not line or len(line) > _MAX_SUMMARY_CHARS:
            log.warning("answer writer: unusable alert summary (%d characters)", len(line))
            return None
        self._remember(key, line)
        return line

    # --- the endpoint -------------------------------------------------------------------

    def _complete(self, messages: list[dict[str, Any]]) -> str | None:
        """The reply's text, or None after logging why (without the key)."""
        try:
            response = self._openai().chat.completions.create(
                model=self.settings.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=_TEMPERATURE,
                max_tokens=self.settings.max_tokens,
            )
            content = response.choices[0].message.content if response.choices else None
        except Exception as exc:  # noqa: BLE001 - whatever the endpoint does, passages still go out
            log.warning("answer writer failed: %s", self._redacted(exc))
            return None
        if not isinstance(content, str) or not content.strip():
            log.warning("answer writer: empty reply from %s", self.settings.model)
            return None
        return content.strip()

    def _openai(self) -> "openai.OpenAI":
        if self._client is None:
            import openai  # only when written answers are on

            self._client = openai.OpenAI(
                base_url=self.settings.url,
                api_key=self.settings.api_key.get_secret_value(),
                timeout=self.settings.timeout_seconds,
                max_retries=0,  # one call per question: a retry would double the wait
            )
        return self._client

    def _redacted(self, exc: Exception) -> str:
        message = f"{type(exc).__name__}: {exc}"[:300]
        key = self.settings.api_key.get_secret_value()
        return message.replace(key, "***") if len(key) >= 4 else message

    def _cached(self, key: Hashable) -> WrittenAnswer | str | None:
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found

    def _remember(self, key: Hashable, value: WrittenAnswer | str) -> None:
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
