"""Citation markers in a written answer: keep the ones that point at a passage, drop the rest.

A writer may invent `[7]` when there are three passages, or echo a number a hostile passage
asked for. Only `[n]` with n in 1..count survive; an answer left with none is not grounded
in anything we can show, so it is not shown.
"""

import re

_MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,;:!?。])")
_SPACES = re.compile(r"[ \t]{2,}")


def clean_citations(text: str, count: int) -> tuple[str, tuple[int, ...]] | None:
    """The text with only valid markers (`[1, 2]` becomes `[1][2]`) and the numbers cited in
    order of first use; None when no valid citation is left."""
    cited: list[int] = []

    def keep(match: re.Match[str]) -> str:
        numbers = [int(n) for n in re.split(r"[,;]", match.group(1))]
        valid = [n for n in numbers if 1 <= n <= count]
        for n in valid:
            if n not in cited:
                cited.append(n)
        return "".join(f"[{n}]" for n in valid)

    cleaned = _MARKER.sub(keep, text)
    cleaned = _SPACES.sub(" ", _SPACE_BEFORE_PUNCT.sub(r"\1", cleaned)).strip()
    if not cited or not cleaned:
        return None
    return cleaned, tuple(cited)


def strip_citations(text: str) -> str:
    """The text without any marker: an alert summary cites nothing."""
    return _SPACES.sub(" ", _SPACE_BEFORE_PUNCT.sub(r"\1", _MARKER.sub("", text))).strip()
