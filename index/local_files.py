"""Local sources: files and folders of .txt, .md and .html documents."""

from collections.abc import Iterator, Sequence
from pathlib import Path

from index.errors import ExtractionError, InputError
from index.extraction import HTML_SUFFIXES, TEXT_SUFFIXES, extract_document
from index.models import DocumentFailure, SourceDocument

SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Every supported file under `paths`, sorted; a missing path is an error up front."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    f
                    for f in path.rglob("*")
                    if f.is_file()
                    and f.suffix.lower() in SUPPORTED_SUFFIXES
                    and not any(part.startswith(".") for part in f.relative_to(path).parts)
                )
            )
        else:
            files.append(path)
    return files


def read_local_files(
    paths: Sequence[Path], max_bytes: int
) -> Iterator[SourceDocument | DocumentFailure]:
    """One SourceDocument per readable file, a DocumentFailure (with why) per other one."""
    for file in expand_paths(paths):
        key = file.resolve().as_uri()
        if file.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield DocumentFailure(
                key, f"{file}: unsupported file type (use {', '.join(SUPPORTED_SUFFIXES)})"
            )
            continue
        size = file.stat().st_size
        if size > max_bytes:
            yield DocumentFailure(
                key, f"{file}: {size:,} bytes is over the {max_bytes:,}-byte limit"
            )
            continue
        try:
            document = extract_document(file.read_bytes(), str(file))
        except ExtractionError as exc:
            yield DocumentFailure(key, str(exc))
        except OSError as exc:
            yield DocumentFailure(key, f"{file}: cannot be read ({exc.strerror})")
        else:
            yield SourceDocument(key=key, source=str(file), document=document)
