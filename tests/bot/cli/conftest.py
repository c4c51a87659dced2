"""The command line's shared data dir: the seeds indexed by `newsbot index` with the real model,
once per run, copied for each test that asks for it (indexing them took 2-3 s of CPU a test)."""

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from tests.conftest import SEEDS, stopping_new_stores


@pytest.fixture(scope="session")
def _indexed_seeds(
    tmp_path_factory: pytest.TempPathFactory, model_cache: Path, _built_model: None
) -> Path:
    """`newsbot index seeds/` run once, in this process, with the tests' environment."""
    data = tmp_path_factory.mktemp("indexed-seeds") / "data"
    with pytest.MonkeyPatch.context() as patch, stopping_new_stores():
        for name in [n for n in os.environ if n.startswith("NEWSBOT_")]:
            patch.delenv(name)
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("TOKENIZERS_PARALLELISM", "false")
        patch.setenv("NEWSBOT_MODEL_CACHE_DIR", str(model_cache))
        patch.setenv("NEWSBOT_DATA_DIR", str(data))
        result = CliRunner().invoke(app, ["index", str(SEEDS)])
    assert result.exit_code == 0, result.output
    return data


@pytest.fixture
def indexed(env_settings: Path, _indexed_seeds: Path) -> Path:
    """A data dir with the seeds indexed by `newsbot index seeds/` (a private copy)."""
    shutil.copytree(_indexed_seeds, env_settings)
    return env_settings
