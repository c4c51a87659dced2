"""Recent answers, so a "More" button can show the next page without asking again.

Each entry also remembers the page the chat is looking at and the written answer once it has
arrived: the written answer is added by an edit that may come after the reader pressed
"More", and must then go on the page they are on, not pull them back to the first.

Bounded (least recently used first out): memory stays flat however many questions come in.
After a restart the ids are unknown and the button says the answer expired.
"""

import secrets
from collections import OrderedDict
from dataclasses import dataclass

from index.answers.writer import WrittenAnswer
from index.models import Answer


@dataclass
class CachedAnswer:
    """An answer and what its message shows now."""

    answer: Answer
    page: int = 0
    written: WrittenAnswer | None = None


class AnswerCache:
    """Answers by short id (8 hex digits: callback_data must stay under 64 bytes)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._answers: OrderedDict[str, CachedAnswer] = OrderedDict()

    def put(self, answer: Answer) -> str:
        answer_id = secrets.token_hex(4)
        while answer_id in self._answers:
            answer_id = secrets.token_hex(4)
        self._answers[answer_id] = CachedAnswer(answer)
        while len(self._answers) > self.capacity:
            self._answers.popitem(last=False)
        return answer_id

    def get(self, answer_id: str) -> CachedAnswer | None:
        entry = self._answers.get(answer_id)
        if entry is not None:
            self._answers.move_to_end(answer_id)
        return entry

    def __len__(self) -> int:
        return len(self._answers)
