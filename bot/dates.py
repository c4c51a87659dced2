"""Dates as readers write them: "22 Oct 2025" in English, "22 окт. 2025" in Russian.

Articles store ISO dates or date-times (index/models.py); babel (CLDR) knows every language's
month names, so the bot's four languages and any future one read naturally.
"""

from datetime import UTC, date, datetime

from babel.core import UnknownLocaleError
from babel.dates import format_date, format_datetime

_PATTERN = "d MMM y"  # day, abbreviated month, year: no order to misread between countries
_TIME_PATTERN = "d MMM y, HH:mm"


def parse_published(published: str | None) -> date | None:
    """The calendar date of an ISO date or date-time; None when absent or unreadable."""
    if not published:
        return None
    text = published.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None


def human_date(published: str | None, lang: str) -> str | None:
    """`published` as "22 Oct 2025" in `lang` (English when babel does not know it)."""
    day = parse_published(published)
    if day is None:
        return None
    try:
        return format_date(day, _PATTERN, locale=lang)
    except (UnknownLocaleError, ValueError):
        return format_date(day, _PATTERN, locale="en")


def human_time(stamp: str | None, lang: str) -> str | None:
    """An ISO date-time (a fetch, in UTC) as "2 Dec 2026, 14:11 UTC" in `lang`; a bare
    date as `human_date`; None when absent or unreadable."""
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return human_date(stamp, lang)
    if len(stamp.strip()) <= 10:
        return human_date(stamp, lang)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    try:
        shown = format_datetime(moment, _TIME_PATTERN, locale=lang)
    except (UnknownLocaleError, ValueError):
        shown = format_datetime(moment, _TIME_PATTERN, locale="en")
    return f"{shown} UTC"
