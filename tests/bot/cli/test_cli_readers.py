"""What a newcomer trips on first: --version, --help's flags, stats' sources and model line."""

from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from tests.conftest import HINDI_SEED, SEEDS

runner = CliRunner()


def test_version_prints_the_package_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"newsbot {version('newsbot')}"


@pytest.mark.parametrize(
    "args",
    [["--help"], ["ask", "--help"], ["sources", "--help"], ["subscriptions", "add", "--help"]],
)
def test_help_shows_flags_without_a_type(args: list[str]):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "--help" in result.stdout and "<bool>" not in result.stdout


def test_stats_names_a_local_file_by_its_name_and_keeps_the_model_on_one_line(
    env_settings: Path,
):
    assert runner.invoke(app, ["index", str(SEEDS)]).exit_code == 0
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    (sources,) = [line for line in lines if line.startswith("sources:")]
    assert f"{HINDI_SEED.name} 1" in sources and str(SEEDS) not in result.stdout
    (model,) = [line for line in lines if line.startswith("model:")]
    assert model.count("(") == model.count(")")  # not cut mid-parenthesis
