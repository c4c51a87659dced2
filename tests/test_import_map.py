"""The import map of `bot/` and `index/`, read from the source (ast): no cycle, the core never
imports a front, and the Telegram handlers stand side by side over `bot/telegram/chat.py`.

Every import counts, those under `TYPE_CHECKING` and inside functions included: a cycle that
only the type checker walks is still a knot for a reader.
"""

import ast
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "index")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_map() -> dict[str, set[str]]:
    """Each module of bot/ and index/ -> the modules of bot/ and index/ it imports."""
    paths = {module_name(p): p for package in PACKAGES for p in (REPO / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the package, up `level - 1` steps
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                # `from bot.telegram import texts` imports a module, not a name
                found.update(
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in paths else base
                    for alias in node.names
                )
        graph[name] = {m for m in found if m in paths and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def under(prefix: str, names: Iterable[str]) -> set[str]:
    return {n for n in names if n == prefix or n.startswith(prefix + ".")}


def test_the_cycle_finder_finds_a_cycle_and_only_one():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_bot_and_index_have_no_import_cycle():
    assert cycles(import_map()) == []


def test_the_core_never_imports_a_front():
    graph = import_map()
    upward = {m: sorted(under("bot", t)) for m, t in graph.items() if m.startswith("index")}
    assert {m: t for m, t in upward.items() if t} == {}


def test_telegram_handlers_stand_side_by_side():
    """A handler module imports no other handler; only the app wires them."""
    graph = import_map()
    handlers = under("bot.telegram.handlers", graph) - {"bot.telegram.handlers"}
    assert len(handlers) >= 8
    assert {h: sorted(graph[h] & handlers) for h in handlers if graph[h] & handlers} == {}
    importers = {m for m, targets in graph.items() if targets & handlers}
    assert importers == {"bot.telegram.app"}


def test_lower_telegram_modules_never_import_upward():
    """alerts/, texts/ and the pieces below `chat` know nothing of the handlers, `chat` or the
    app; only the app imports `chat`'s users."""
    graph = import_map()
    upper = {"bot.telegram.app", "bot.telegram.chat"} | under("bot.telegram.handlers", graph)
    lower = (
        under("bot.telegram.alerts", graph)
        | under("bot.telegram.texts", graph)
        | {
            "bot.telegram.html",
            "bot.telegram.context",
            "bot.telegram.services",
            "bot.telegram.answer_cache",
            "bot.telegram.inline_cache",
            "bot.telegram.chat_prefs",
        }
    )
    assert {m: sorted(graph[m] & upper) for m in lower if graph[m] & upper} == {}
    # The CLI never loads the Telegram stack at import; `newsbot run` imports it when run.
    cli = under("bot.cli", graph)
    assert {m for m in cli if any(t.startswith("bot.telegram") for t in graph[m])} == {
        "bot.cli.main"
    }
