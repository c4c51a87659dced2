"""Benchmark corpora from NTREX-128: real multilingual news documents, one file each."""

from pathlib import Path

NTREX = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "ntrex"
LANGS = ("eng", "hin", "vie", "rus", "deu", "fra", "spa", "zho-CN", "arb")


def write_ntrex_articles(target: Path, ntrex: Path = NTREX, langs: tuple[str, ...] = LANGS) -> int:
    """Write each NTREX document in each language as a .txt article; returns how many."""
    doc_ids = (ntrex / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    target.mkdir(parents=True, exist_ok=True)
    written = 0
    for lang in langs:
        name = "newstest2019-src.eng.txt" if lang == "eng" else f"newstest2019-ref.{lang}.txt"
        lines = (ntrex / name).read_text(encoding="utf-8").splitlines()
        docs: dict[str, list[str]] = {}
        for doc_id, line in zip(doc_ids, lines, strict=True):
            docs.setdefault(doc_id, []).append(line)
        for doc_id, sentences in docs.items():
            (target / f"{lang}-{doc_id}.txt").write_text("\n".join(sentences), encoding="utf-8")
            written += 1
    return written
