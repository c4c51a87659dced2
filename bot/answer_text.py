"""Answers for the terminal (rich markup) and for machines (the stable `--json` shape)."""

from typing import Any

from rich.markup import escape

from index.models import Answer, Hit


def answer_json(answer: Answer) -> dict[str, Any]:
    """The `newsbot ask --json` object; later tools read it, so keep its keys stable."""
    return {
        "question": answer.question,
        "answered": answer.answered,
        "hits": [
            {
                "article_id": h.article.id,
                "title": h.article.title,
                "source": h.article.outlet or h.article.source,
                "url": h.article.url,
                "published": h.article.published,
                "lang": h.article.lang,
                "score": round(h.score, 4),
                "text": h.passage.text,
                "best_sentence": h.best_sentence,
            }
            for h in answer.hits
        ],
    }


def group_by_article(hits: tuple[Hit, ...]) -> list[list[Hit]]:
    """Hits of the same article together, articles in order of their best hit."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.article.id, []).append(hit)
    return list(groups.values())


def answer_markup(answer: Answer) -> str:
    """Rich markup: per article a citation line, then its passages, best sentence in bold."""
    if not answer.answered:
        best = max((h.score for h in answer.candidates), default=None)
        detail = (
            f" (best score {best:.2f}, threshold {answer.min_score:.2f})"
            if best is not None
            else ""
        )
        return f"[yellow]Nothing relevant found[/yellow] for: {escape(answer.question)}{detail}"
    lines = []
    for number, hits in enumerate(group_by_article(answer.hits), start=1):
        lines.append(f"[bold cyan][{number}] {escape(hits[0].article.title)}[/bold cyan]")
        lines.append(f"    [dim]{escape(citation(hits[0]))}[/dim]")
        for hit in hits:
            lines.append(f"    [green]score {hit.score:.2f}[/green]  {highlight(hit)}")
        lines.append("")
    return "\n".join(lines).rstrip()


def citation(hit: Hit) -> str:
    article = hit.article
    parts = [article.outlet or article.source]
    if article.outlet and article.source != article.outlet:
        parts.append(article.source)
    parts.append(article.published or "date unknown")
    parts.append(f"lang: {article.lang}")
    if article.url:
        parts.append(article.url)
    return " · ".join(parts)


def highlight(hit: Hit) -> str:
    text, best = hit.passage.text, hit.best_sentence
    at = text.find(best)
    if at < 0:
        return escape(text)
    return escape(text[:at]) + "[bold]" + escape(best) + "[/bold]" + escape(text[at + len(best) :])
