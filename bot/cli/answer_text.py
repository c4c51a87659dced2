"""Answers for the terminal (rich markup) and for machines (the stable `--json` shape)."""

from dataclasses import replace
from typing import Any

from rich.markup import escape

from bot.dates import human_date
from index.answers.citing import outlet_name, shown_title
from index.answers.pages import ArticleBlock, block_dict, citation_dict
from index.answers.writer import WrittenAnswer
from index.models import Answer, Article


def answer_json(answer: Answer) -> dict[str, Any]:
    """The flat half of `newsbot ask --json` (every passage in order, as `hits`); later tools
    read it, so keep its keys stable. `blocks_json` adds the same passages grouped by article."""
    return {
        "question": answer.question,
        "answered": answer.answered,
        "answer_score": round(answer.answer_score, 4),
        "hits": [
            citation_dict(h.article)
            | {
                "score": round(h.score, 4),
                "text": h.passage.text,
                "best_sentence": h.best_sentence,
                "siblings": [citation_dict(s) for s in h.siblings],
                "story": h.story + 1,
                "weak": h.weak,
            }
            for h in answer.hits
        ],
    }


def written_json(answer: Answer, written: WrittenAnswer | None) -> dict[str, Any]:
    """The keys `--json` adds when written answers are on: `answer` is null when the writer
    failed, and each citation names the hit it points at (`n` is 1-based, as in the text)."""
    citations = [
        {"n": n} | _citation_keys(citation_dict(answer.hits[n - 1].article))
        for n in (written.citations if written else ())
    ]
    return {"answer": written.text if written else None, "citations": citations}


def _citation_keys(article: dict[str, Any]) -> dict[str, Any]:
    return {key: article[key] for key in ("article_id", "title", "source", "url")}


def blocks_json(blocks: list[ArticleBlock]) -> dict[str, Any]:
    """The grouped half of `--json`: one object per story (`articles`, the key it had when
    a block was one article), as the bot shows them, with each shown passage's whole text."""
    return {"articles": [block_dict(block, full_text=True) for block in blocks]}


def answer_markup(
    answer: Answer, blocks: list[ArticleBlock], written: WrittenAnswer | None = None
) -> str:
    """Rich markup: per article its citation, then its snippets with the best sentence in
    bold, then the other sources of the story. A written answer, renumbered to cite the
    articles' numbers, comes first."""
    if not answer.hits:
        best = max((h.score for h in answer.candidates), default=None)
        detail = (
            f" (best score {best:.2f}, threshold {answer.min_score:.2f})"
            if best is not None
            else ""
        )
        return f"[yellow]Nothing relevant found[/yellow] for: {escape(answer.question)}{detail}"
    lines = []
    if written is not None:  # citing articles by number (AnswerPages.renumbered)
        lines += ["[bold]Answer[/bold]", escape(written.text), ""]
    if not answer.answered and written is None:  # a written answer says so in its words
        lines += [
            f"[yellow]No passage answers this closely[/yellow] (answer score "
            f"{answer.answer_score:.2f}, {answer.close_score:.2f} answers); the nearest:",
            "",
        ]
    for block in blocks:
        title = shown_title(block.article)
        weak = "  [yellow](weaker match)[/yellow]" if block.weak else ""
        lines.append(f"[bold cyan][{block.number}] {escape(title)}[/bold cyan]{weak}")
        lines.append(f"    [dim]{escape(citation(block.article))}[/dim]")
        for snippet in block.snippets:
            if snippet.article.id != block.article.id:  # another article of the story
                lines.append(f"    [dim]from {escape(citation(snippet.article))}[/dim]")
            lines.append(
                f"    [green]score {snippet.score:.2f}[/green]  {escape(snippet.before)}"
                f"[bold]{escape(snippet.best)}[/bold]{escape(snippet.after)}"
            )
        if block.siblings:
            named = ", ".join(
                f"{outlet_name(s)} ({s.lang}{', ' + s.url if s.url else ''})"
                for s in block.siblings
            )
            lines.append(f"    [dim]also in: {escape(named)}[/dim]")
        lines.append("")
    return "\n".join(lines).rstrip()


def citation(article: Article) -> str:
    """`Outlet · 22 Oct 2025 · lang: vi · https://…`, without a date when none is known; a
    local file's outlet is its file name (the operator's own file, in the operator's shell)."""
    parts = [outlet_name(article), human_date(article.published, "en") or ""]
    parts = [p for p in parts if p] + [f"lang: {article.lang}"]
    if article.url:
        parts.append(article.url)
    return " · ".join(parts)


def with_best_sentences(answer: Answer, blocks: list[ArticleBlock]) -> Answer:
    """The answer with each hit's best sentence as its block shows it ("" for a passage
    whose sentences were all shown by a better one), for `hits` in `--json`."""
    best = {s.passage.id: s.sentence for block in blocks for s in block.snippets}
    hits = tuple(replace(h, best_sentence=best.get(h.passage.id, "")) for h in answer.hits)
    return replace(answer, hits=hits)
