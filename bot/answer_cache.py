"""Recent answers, so a "More" button can show the next page without asking again.

Bounded (least recently used first out): memory stays flat however many questions come in.
After a restart the ids are unknown and the button says the answer expired.
"""

import secrets
from collections import OrderedDict

from index.models import Answer


class AnswerCache:
    """Answers by short id (8 hex digits: callback_data must stay under 64 bytes)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._answers: OrderedDict[str, Answer] = OrderedDict()

    def put(self, answer: Answer) -> str:
        answer_id = secrets.token_hex(4)
        while answer_id in self._answers:
            answer_id = secrets.token_hex(4)
        self._answers[answer_id] = answer
        while len(self._answers) > self.capacity:
            self._answers.popitem(last=False)
        return answer_id

    def get(self, answer_id: str) -> Answer | None:
        answer = self._answers.get(answer_id)
        if answer is not None:
            self._answers.move_to_end(answer_id)
        return answer

    def __len__(self) -> int:
        return len(self._answers)
