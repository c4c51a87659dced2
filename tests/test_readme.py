"""The README is a front door: short, its links lead somewhere, its commands exist.

The docs site itself is built with `mkdocs build --strict` by `.ci/run`; these checks also
cover README.md, which is not part of the site, and run with the rest of the suite.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
DOCS = REPO / "docs"
MAX_README_LINES = 200

FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
NEWSBOT_COMMAND = re.compile(r"(?:^|[\s/`])newsbot((?:[ \t]+[a-z][a-z-]*(?![\w/.-])){1,2})", re.M)


def pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def prose(text: str) -> str:
    """The text without code blocks and code spans, where a bracket is not a link."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def code(text: str) -> list[str]:
    """The code blocks and code spans: where commands are shown."""
    return [m.group(0) for m in FENCE.finditer(text)] + CODE_SPAN.findall(FENCE.sub("", text))


def slug(heading: str) -> str:
    """A heading's anchor, as mkdocs and GitHub make it for plain headings."""
    text = re.sub(r"[`*_]", "", heading).strip().lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"\s+", "-", text)


def relative_links(page: Path) -> list[str]:
    targets = LINK.findall(prose(page.read_text(encoding="utf-8")))
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t, re.I)]


def broken_links(page: Path) -> list[str]:
    broken = []
    for target in relative_links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and file.suffix == ".md":
            anchors = {slug(h) for h in HEADING.findall(prose(file.read_text(encoding="utf-8")))}
            if anchor not in anchors:
                broken.append(f"{target} (no heading #{anchor} in {file.name})")
    return broken


def commands_shown(markdown: str) -> set[tuple[str, ...]]:
    """Each `newsbot WORD [WORD]` in the code of a page: a command, or a group and its command."""
    shown: set[tuple[str, ...]] = set()
    for snippet in code(markdown):
        for match in NEWSBOT_COMMAND.finditer(snippet):
            shown.add(tuple(match.group(1).split()))
    return shown


def readme_commands() -> set[tuple[str, ...]]:
    return commands_shown(README.read_text(encoding="utf-8"))


def cli_help(words: tuple[str, ...], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`python -m bot.cli.main WORDS --help`, with a data dir and a model cache of its own."""
    env = {
        **os.environ,
        "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
        "NEWSBOT_MODEL_CACHE_DIR": str(tmp_path / "models"),
        "HF_HUB_OFFLINE": "1",
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli.main", *words, "--help"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_readme_is_at_most_200_lines() -> None:
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_README_LINES, f"README.md is {lines} lines; move detail into docs/"


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_points_at_a_file_that_exists(page: Path) -> None:
    assert broken_links(page) == []


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    (tmp_path / "there.md").write_text("# Here it is\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](there.md) [ok](there.md#here-it-is) [web](https://example.org/x.md)\n"
        "`[not a link](nowhere.md)`\n\n```\n[nor this](nowhere.md)\n```\n"
        "[gone](missing.md) [no anchor](there.md#elsewhere)\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "missing.md (no such file)",
        "there.md#elsewhere (no heading #elsewhere in there.md)",
    ]


def test_the_readme_shows_the_two_commands() -> None:
    first_words = {words[0] for words in readme_commands()}
    assert {"index", "ask"} <= first_words


def command_exists(words: tuple[str, ...], tmp_path: Path) -> bool:
    """`newsbot WORD --help` exits 0; for a group, `newsbot WORD SUBWORD --help` too."""
    shown = cli_help(words[:1], tmp_path)
    if shown.returncode != 0:
        return False
    if len(words) == 2 and "Commands" in shown.stdout:
        return cli_help(words, tmp_path).returncode == 0
    return True


def test_commands_are_read_from_code_only() -> None:
    page = (
        "newsbot follows feeds.\n\n```bash\n.venv/bin/newsbot index seeds/\n"
        'newsbot sources add URL\nnewsbot ask "why?"\n```\n\nThen `newsbot run`.\n'
    )
    assert commands_shown(page) == {("index",), ("sources", "add"), ("ask",), ("run",)}


@pytest.mark.parametrize("words", sorted(readme_commands()), ids=" ".join)
def test_every_newsbot_command_in_the_readme_exists(words: tuple[str, ...], tmp_path) -> None:
    assert command_exists(words, tmp_path), f"newsbot {' '.join(words)} is not a command"
    assert not (tmp_path / "models").exists(), "--help loaded the model"


@pytest.mark.parametrize(
    ("words", "exists"),
    [
        (("sources", "add"), True),
        (("sources", "no-such-command"), False),
        (("no-such-command",), False),
    ],
)
def test_a_command_the_cli_lacks_is_found(words: tuple[str, ...], exists: bool, tmp_path) -> None:
    assert command_exists(words, tmp_path) is exists
