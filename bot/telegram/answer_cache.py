"""Recent answers: a repeated question is answered from here, and a message's page buttons
(‹ Prev, More ›, 👍/👎) find what the message shows.

Two levels. By question: the search's result and its pages, built a page at a time
(index/answers/pages.py), shared by everyone who asks the same thing while the index is
unchanged (the stamp says so). By message: the page the chat is looking at, the pages it has
seen (what a vote is about), and the written answer once it has arrived; the written answer is
added by an edit that may come after the reader pressed "More", and must then go on the page
they are on, not pull them back to the first.

Bounded (least recently used first out): memory stays flat however many questions come in.
A message's question, page and seen pages are also in the records
(bot/telegram/shared_records.py): a worker that never saw the question, or one restarted since,
searches again and `adopt`s the answer under the message's id.
"""

import secrets
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field

from index.answers.pages import AnswerPages
from index.answers.writer import WrittenAnswer


@dataclass
class SharedAnswer:
    """One question's answer while the index is unchanged: its pages and written answer."""

    pages: AnswerPages
    written: WrittenAnswer | None = None


@dataclass
class CachedAnswer:
    """An answer as one message shows it."""

    shared: SharedAnswer
    lang: str
    page: int = 0
    seen: set[int] = field(default_factory=lambda: {0})

    @property
    def pages(self) -> AnswerPages:
        return self.shared.pages

    @property
    def written(self) -> WrittenAnswer | None:
        return self.shared.written


def question_key(question: str) -> str:
    return " ".join(question.split()).casefold()


class AnswerCache:
    """Messages' answers by short id (8 hex digits: callback_data must stay under 64 bytes),
    and answers by question."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._answers: OrderedDict[str, CachedAnswer] = OrderedDict()
        self._questions: OrderedDict[tuple[str, int, Hashable], SharedAnswer] = OrderedDict()
        self._lock = threading.Lock()  # the by-question half is used from worker threads

    def put(self, shared: SharedAnswer, lang: str) -> str:
        answer_id = secrets.token_hex(4)
        while answer_id in self._answers:
            answer_id = secrets.token_hex(4)
        self._answers[answer_id] = CachedAnswer(shared, lang)
        while len(self._answers) > self.capacity:
            self._answers.popitem(last=False)
        return answer_id

    def adopt(
        self, answer_id: str, shared: SharedAnswer, lang: str, page: int, seen: set[int]
    ) -> CachedAnswer:
        """An answer another worker (or this one before a restart) gave, under its id."""
        entry = self._answers.get(answer_id)
        if entry is None:
            entry = self._answers[answer_id] = CachedAnswer(shared, lang, page, seen)
            while len(self._answers) > self.capacity:
                self._answers.popitem(last=False)
        return entry

    def get(self, answer_id: str) -> CachedAnswer | None:
        entry = self._answers.get(answer_id)
        if entry is not None:
            self._answers.move_to_end(answer_id)
        return entry

    def recent(self, question: str, k: int, stamp: Hashable) -> SharedAnswer | None:
        """The answer to the same question (case and spacing aside) from the same index."""
        key = (question_key(question), k, stamp)
        with self._lock:
            shared = self._questions.get(key)
            if shared is not None:
                self._questions.move_to_end(key)
            return shared

    def remember(self, question: str, k: int, stamp: Hashable, shared: SharedAnswer) -> None:
        key = (question_key(question), k, stamp)
        with self._lock:
            self._questions[key] = shared
            self._questions.move_to_end(key)
            while len(self._questions) > self.capacity:
                self._questions.popitem(last=False)

    def __len__(self) -> int:
        return len(self._answers)
