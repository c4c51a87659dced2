"""Installing newsbot prints no warning: the editable install `.ci/install` makes is built
by setuptools without its "Editable installation" BuildBackendWarning."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

_BUILD = """
import sys
import setuptools.build_meta as backend
print(backend.build_editable(sys.argv[1]))
"""


def test_the_editable_build_warns_nothing(tmp_path: Path):
    project = tmp_path / "newsbot"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, project / name)
    for package in ("bot", "index"):
        shutil.copytree(
            REPO / package, project / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    built = subprocess.run(
        [sys.executable, "-W", "always", "-c", _BUILD, str(tmp_path / "dist")],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    assert built.stdout.strip().endswith(".whl")
    assert "Warning" not in built.stderr and "!!" not in built.stderr, built.stderr
