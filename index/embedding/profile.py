"""What newsbot knows about a family of embedding models, in one place, found by one rule.

A profile holds a model family's prompts, the thresholds measured for it (relevance, topic
alerts, same story) and what `NEWSBOT_RETRIEVAL=auto` means for it. Every part of the core
asks `profile_for(model name)`; nothing else guesses from a model's name.
"""

from dataclasses import dataclass, replace
from typing import Literal

import regex

Mode = Literal["dense", "lexical", "hybrid"]


@dataclass(frozen=True)
class ModelProfile:
    """A model family's prompts and measured thresholds."""

    family: str
    query_prompt: str
    passage_prompt: str
    min_score: float  # below this score nothing is shown ("nothing relevant found")
    close_score: float  # from this answer score a story answers; between the two: "the nearest"
    story_margin: float  # a story is shown when its best passage is this close to the best's
    weak_margin: float  # ... and marked weak when it is further than this below it
    name_bonus: float  # added to a passage that names the question's rare name (any script)
    alert_min_score: float  # a topic alert fires from this relevance score of a passage
    story_min_similarity: float  # articles whose most alike passages are this alike: one story
    story_same_language_margin: float  # ... plus this when both are in one language
    retrieval: Mode  # what `auto` means for this family
    centred: bool  # vectors centred on their language (index/embedding/language_space.py)

    def with_prompts(self, query: str | None, passage: str | None) -> "ModelProfile":
        """The same profile with the settings' prompt overrides, where given."""
        return replace(
            self,
            query_prompt=self.query_prompt if query is None else query,
            passage_prompt=self.passage_prompt if passage is None else passage,
        )


# Measured with the bundled multilingual-e5-small (README "Quality", bench/answer_or_refuse.py,
# bench/alert_threshold.py, bench/xquad_r.py). close_score and name_bonus: calibrated on news,
# the product benchmark's dev questions (bench/answer_rule.py, docs/answers.md).
_E5 = ModelProfile(
    family="e5",
    query_prompt="query: ",
    passage_prompt="passage: ",
    min_score=0.24,
    close_score=0.29,
    story_margin=0.06,
    weak_margin=0.03,
    name_bonus=0.1,
    alert_min_score=0.36,
    story_min_similarity=0.57,
    story_same_language_margin=0.14,
    retrieval="dense",
    centred=True,
)
# Any other model: plain cosine scores on a scale nobody measured here, so cautious defaults
# (few alerts, stories rarely folded, pages not cut relative to the best) and fusion, as
# newsbot had for every model before.
# Measure and set NEWSBOT_MIN_SCORE, NEWSBOT_CLOSE_SCORE, NEWSBOT_ALERT_MIN_SCORE and
# NEWSBOT_STORY_MIN_SIMILARITY for it.
_GENERIC = ModelProfile(
    family="generic",
    query_prompt="",
    passage_prompt="",
    min_score=0.20,
    close_score=0.20,
    story_margin=1.0,  # unmeasured: no relative cut, nothing marked weak
    weak_margin=1.0,
    name_bonus=0.0,
    alert_min_score=0.66,
    story_min_similarity=0.97,
    story_same_language_margin=0.0,
    retrieval="hybrid",
    centred=False,
)
_WORD = regex.compile(r"[\p{L}\p{N}]+")


def family_of(model_name: str) -> str:
    """The one rule: the last part of the name (hub id or path) has the word "e5" in it."""
    last = model_name.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1].lower()
    return "e5" if "e5" in _WORD.findall(last) else "generic"


def profile_for(model_name: str, declared_prompts: dict[str, str] | None = None) -> ModelProfile:
    """The profile of a model's family, with the prompts the model declares, if any."""
    profile = _E5 if family_of(model_name) == "e5" else _GENERIC
    declared = declared_prompts or {}
    query = declared.get("query") or None
    passage = declared.get("passage") or declared.get("document") or None
    return profile.with_prompts(query, passage)
