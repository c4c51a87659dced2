"""Which NTREX-128 documents tell the same story, for the same-story benchmark.

NTREX-128 (newstest2019) holds 123 English news documents, each translated into many
languages. Two versions of one document are a translation. Some documents are reports of one
event by different outlets (the Sulawesi tsunami by Reuters, Euronews, the New York Times and
the Telegraph): those pairs are the same story retold, like the two seed reports of the
Budapest summit. Some are about one event from different angles (a Ryder Cup day and a player
benched that day): related, counted neither way. Every other pair is two different stories,
many of them on one topic (five Kavanaugh stories, two goals in two football matches).
Grouped by hand from each document's title and lead; the ids are NTREX's.
"""

from typing import Literal

Relation = Literal["translation", "retold", "related", "different"]

RETOLD: tuple[frozenset[str], ...] = tuple(
    frozenset(group)
    for group in (
        {"rt.com.91337", "reuters.218932"},  # Macedonia's name referendum
        {  # the Sulawesi earthquake and tsunami, its death toll
            "nytimes.184837",
            "euronews-en.153835",
            "reuters.218863",
            "nytimes.184860",
            "reuters.218865",
            "euronews-en.153797",
            "telegraph.405422",
        },
        {"abcnews.306815", "newsweek.51338"},  # hurricane Rosa's rain
        {"bbc.381746", "scotsman.133791"},  # Livingston 1-0 Rangers
        {"cbsnews.248387", "reuters.218909"},  # an arrest for the shooting of Wayde Sims
        {"cnbc.com.6769", "reuters.218861"},  # North Korea: no disarmament without trust
        {"cnn.304489", "cnn.304447"},  # Trump's rally in West Virginia
        {"newsweek.51300", "abcnews.306755"},  # Warren's "hard look" at running
        {"reuters.218923", "independent.226301"},  # Ryder Cup Saturday, Europe lead 10-6
        {"thelocal.65969", "euronews-en.153799"},  # Syria's foreign minister at the UN
    )
)
RELATED: tuple[frozenset[str], ...] = tuple(
    frozenset(group)
    for group in (
        RETOLD[1] | {"newsweek.51340"},  # an air traffic controller died in that earthquake
        RETOLD[6] | {"newsweek.51310"},  # when and where to watch that rally
        RETOLD[8] | {"reuters.218914", "scotsman.133758", "euronews-en.153826"},  # Ryder Cup
    )
)


def relation(a: str, b: str) -> Relation:
    """How two NTREX documents (by id) relate."""
    if a == b:
        return "translation"
    if any(a in group and b in group for group in RETOLD):
        return "retold"
    if any(a in group and b in group for group in RELATED):
        return "related"
    return "different"
