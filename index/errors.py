"""The one error tree of newsbot's core.

NewsbotError
├── InputError            bad input from a user: a missing path, an empty question, ...
│   ├── QuestionError     a question that is empty or too long
│   └── ExtractionError   a file or page that holds no usable text
├── WriterLockedError     another process already writes to this data dir
├── ModelMismatchError    the index was built with another embedding model
├── EmbeddingModelError   the configured embedding model cannot be loaded or built
├── StoreError            the vector store is unreachable or inconsistent
└── DatabaseCorruptError  the article database file is damaged (says how to restore it)

Messages are written for the person who caused them: what went wrong and what to do.
Only `bot/` turns them into user-facing text in a chat.
"""


class NewsbotError(Exception):
    """Root of every error newsbot raises on purpose."""


class InputError(NewsbotError):
    """Something the user gave us cannot be used."""


class QuestionError(InputError):
    """A question that is empty or too long."""


class ExtractionError(InputError):
    """A file or page has no text we can index (binary, empty, undecodable)."""


class WriterLockedError(NewsbotError):
    """Another process holds the single-writer lock of the data dir."""


class ModelMismatchError(NewsbotError):
    """The articles were embedded with another model; a reindex is needed."""


class EmbeddingModelError(NewsbotError):
    """The configured embedding model cannot be loaded, or the bundled one cannot be built."""


class StoreError(NewsbotError):
    """The vector store failed or disagrees with the article database."""


class DatabaseCorruptError(NewsbotError):
    """The article database file is damaged or not a database; the message names the file
    and the command that brings the records back."""
