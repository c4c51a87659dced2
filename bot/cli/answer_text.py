"""Answers for the terminal (rich markup) and for machines (the stable `--json` shape)."""

from typing import Any

from rich.markup import escape

from index.answers.writer import WrittenAnswer
from index.models import Answer, Article, Hit


def answer_json(answer: Answer) -> dict[str, Any]:
    """The `newsbot ask --json` object; later tools read it, so keep its keys stable."""
    return {
        "question": answer.question,
        "answered": answer.answered,
        "hits": [
            article_json(h.article)
            | {
                "score": round(h.score, 4),
                "text": h.passage.text,
                "best_sentence": h.best_sentence,
                "siblings": [article_json(s) for s in h.siblings],
            }
            for h in answer.hits
        ],
    }


def article_json(article: Article) -> dict[str, Any]:
    """How `--json` cites an article: in each hit, and in its `siblings` (the same story)."""
    return {
        "article_id": article.id,
        "title": article.title,
        "source": article.outlet or article.source,
        "url": article.url,
        "published": article.published,
        "lang": article.lang,
    }


def written_json(answer: Answer, written: WrittenAnswer | None) -> dict[str, Any]:
    """The keys `--json` adds when written answers are on: `answer` is null when the writer
    failed, and each citation names the hit it points at (`n` is 1-based, as in the text)."""
    citations = [
        {"n": n} | _citation_keys(article_json(answer.hits[n - 1].article))
        for n in (written.citations if written else ())
    ]
    return {"answer": written.text if written else None, "citations": citations}


def _citation_keys(article: dict[str, Any]) -> dict[str, Any]:
    return {key: article[key] for key in ("article_id", "title", "source", "url")}


def group_by_article(hits: tuple[Hit, ...]) -> list[list[Hit]]:
    """Hits of the same article together, articles in order of their best hit."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.article.id, []).append(hit)
    return list(groups.values())


def answer_markup(answer: Answer, written: WrittenAnswer | None = None) -> str:
    """Rich markup: per article a citation line, then its passages, best sentence in bold.

    With a written answer, the answer comes first and every passage gets its own number, the
    one the writer cited it by (the order of the prompt)."""
    if not answer.hits:
        best = max((h.score for h in answer.candidates), default=None)
        detail = (
            f" (best score {best:.2f}, threshold {answer.min_score:.2f})"
            if best is not None
            else ""
        )
        return f"[yellow]Nothing relevant found[/yellow] for: {escape(answer.question)}{detail}"
    if written is not None:
        return written_markup(answer, written)
    lines = []
    if not answer.answered:
        lines += [
            f"[yellow]No passage answers this closely[/yellow] (best score "
            f"{answer.hits[0].score:.2f}, {answer.close_score:.2f} answers); the nearest:",
            "",
        ]
    for number, hits in enumerate(group_by_article(answer.hits), start=1):
        lines.append(f"[bold cyan][{number}] {escape(hits[0].article.title)}[/bold cyan]")
        lines.append(f"    [dim]{escape(citation(hits[0]))}[/dim]")
        lines.extend(also_in(hits[0]))
        for hit in hits:
            lines.append(f"    [green]score {hit.score:.2f}[/green]  {highlight(hit)}")
        lines.append("")
    return "\n".join(lines).rstrip()


def written_markup(answer: Answer, written: WrittenAnswer) -> str:
    lines = ["[bold]Answer[/bold]", escape(written.text), ""]
    for number, hit in enumerate(answer.hits, start=1):
        lines.append(f"[bold cyan][{number}] {escape(hit.article.title)}[/bold cyan]")
        lines.append(f"    [dim]{escape(citation(hit))}[/dim]")
        lines.extend(also_in(hit))
        lines.append(f"    [green]score {hit.score:.2f}[/green]  {highlight(hit)}")
        lines.append("")
    return "\n".join(lines).rstrip()


def also_in(hit: Hit) -> list[str]:
    """The line naming the other sources of the same story, if any."""
    if not hit.siblings:
        return []
    named = ", ".join(
        f"{s.outlet or s.source} ({s.lang}{', ' + s.url if s.url else ''})" for s in hit.siblings
    )
    return [f"    [dim]also in: {escape(named)}[/dim]"]


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
