"""Manifests of built model folders: each file's size and SHA-256, checked on every load.

The bundled model (bundled.py) and its ONNX exports (onnx_backend.py) are built once into the
model cache and then trusted on every start. A manifest, written in the staging folder before
it is renamed into place, lists every file with its size, SHA-256 and modification time. On
load, sizes are always compared (a truncated or missing file is found for the price of a
`stat`); a file is hashed again only when its modification time differs from the manifest's
(hashing the 470 MB model costs about a second; a `stat` costs microseconds). A file whose hash
still matches gets its new time recorded, so it is hashed once, not on every start.
"""

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def write_manifest(folder: Path, name: str, **extra: Any) -> dict[str, Any]:
    """Record every file under `folder` (but the manifest) in `folder/name`, with `extra`."""
    files = {
        str(path.relative_to(folder)): _entry(path, sha256(path))
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != name
    }
    manifest = {**extra, "files": files}
    (folder / name).write_text(json.dumps(manifest, indent=1))
    return manifest


def read_manifest(
    folder: Path, name: str, needed: frozenset[str] = frozenset()
) -> dict[str, Any] | None:
    """The manifest `folder/name` if it is one and has the `needed` keys, else None."""
    try:
        manifest = json.loads((folder / name).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not needed <= manifest.keys():
        return None
    return manifest


def damage(folder: Path, name: str) -> str | None:
    """What differs between `folder` and its manifest (None: intact). Files the manifest does
    not list are not looked at; a missing or unreadable manifest is damage."""
    manifest = read_manifest(folder, name, frozenset({"files"}))
    if manifest is None or not isinstance(manifest["files"], dict) or not manifest["files"]:
        return f"no usable manifest {name}"
    refreshed = False
    for relative, entry in manifest["files"].items():
        path = folder / relative
        try:
            found = path.stat()
            if found.st_size != entry["size"]:
                return f"{relative} has {found.st_size} bytes, not {entry['size']}"
            if found.st_mtime_ns == entry.get("mtime_ns"):
                continue
            if sha256(path) != entry["sha256"]:
                return f"{relative} does not have its recorded SHA-256"
        except (OSError, KeyError, TypeError) as exc:
            return f"{relative} cannot be checked ({exc})"
        entry["mtime_ns"] = found.st_mtime_ns
        refreshed = True
    if refreshed:  # hashed once after a copy or a touch; a read-only cache just hashes again
        try:
            (folder / name).write_text(json.dumps(manifest, indent=1))
        except OSError:
            log.debug("could not record the checked times in %s", folder / name)
    return None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _entry(path: Path, digest: str) -> dict[str, Any]:
    found = os.stat(path)
    return {"size": found.st_size, "sha256": digest, "mtime_ns": found.st_mtime_ns}
