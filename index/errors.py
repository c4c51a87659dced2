"""The one error tree of newsbot: every error it raises on purpose is a class here.

NewsbotError                      code
├── InputError                    input             bad input from a user
│   ├── QuestionError             question_empty, question_too_long (length, limit)
│   ├── ExtractionError           no_text           a file or page with no usable text
│   ├── SourceError               source            a source that cannot be followed
│   │   ├── UrlRefusedError       url_refused       a private, local or non-http(s) address
│   │   ├── FetchError            fetch_failed, fetch_status (status), fetch_timeout (seconds)
│   │   ├── FeedError             feed_invalid      bytes that are not a usable feed
│   │   ├── SourceNotFoundError   source_missing (id)
│   │   └── DuplicateSourceError  source_duplicate (id, name)
│   └── SubscriptionError         topic_too_long, too_many (limit), duplicate, missing,
│                                 bad_period (low, high)
├── SettingsError                 settings          a NEWSBOT_* setting that cannot be used
├── BotStartError                 bot_start         Telegram refused the bot or is unreachable
│   └── MissingTokenError         missing_token
├── WriterLockedError             writer_locked     another process writes to this data dir
├── ModelMismatchError            model_mismatch    the index was built with another model
├── EmbeddingModelError           model_unavailable the model cannot be loaded or built
├── StoreError                    store_unavailable the vector store failed or is damaged
│                                 store_drift (stored, expected) it lost passages
├── DatabaseCorruptError          database_damaged  the article database file is damaged
├── BackupError                   backup_refused    a file `restore` will not put in place
└── StorageError                  storage           the file system refused: no space
                                  (disk_full), read-only, not a folder (path)

Each error has a `code` (its class's, or a finer one given when raised) and `values` (the
numbers and names its message uses). The message is English, for logs and the command line:
what went wrong and what to do. The Telegram bot never shows it: it maps the code to a text in
the user's language (`error_text` in bot/telegram/chat.py), falling back along the class's
ancestors.
"""

from typing import ClassVar


class NewsbotError(Exception):
    """Root of every error newsbot raises on purpose."""

    default_code: ClassVar[str] = "error"

    def __init__(self, message: str, code: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.values = values

    def codes(self) -> list[str]:
        """This error's code, then its class's and its ancestors' (a front's fallbacks)."""
        found = [self.code]
        for cls in type(self).__mro__:
            own = cls.__dict__.get("default_code")
            if own and own not in found:
                found.append(own)
        return found


class InputError(NewsbotError):
    """Something the user gave us cannot be used."""

    default_code = "input"


class QuestionError(InputError):
    """A question that is empty or too long."""

    default_code = "question_empty"


class ExtractionError(InputError):
    """A file or page has no text we can index (binary, empty, undecodable)."""

    default_code = "no_text"


class SourceError(InputError):
    """A feed, page or path that cannot be followed."""

    default_code = "source"


class UrlRefusedError(SourceError):
    """A URL newsbot will not fetch, with the reason."""

    default_code = "url_refused"


class FetchError(SourceError):
    """A URL that could not be fetched within the rules; the message says which rule."""

    default_code = "fetch_failed"


class FeedError(SourceError):
    """Bytes that are not a usable feed."""

    default_code = "feed_invalid"


class SourceNotFoundError(SourceError):
    """No source with that id."""

    default_code = "source_missing"


class DuplicateSourceError(SourceError):
    """The location is already followed."""

    default_code = "source_duplicate"


class SubscriptionError(InputError):
    """A subscription that cannot be made: too many, topic too long, unknown id."""

    default_code = "subscription"


class SettingsError(NewsbotError):
    """Settings from the environment or `.env` that cannot be used."""

    default_code = "settings"


class BotStartError(NewsbotError):
    """Telegram refused the bot or could not be reached: said in one line, never the token."""

    default_code = "bot_start"


class MissingTokenError(BotStartError):
    """`newsbot run` without a bot token."""

    default_code = "missing_token"


class WriterLockedError(NewsbotError):
    """Another process holds the single-writer lock of the data dir."""

    default_code = "writer_locked"


class ModelMismatchError(NewsbotError):
    """The articles were embedded with another model; a reindex is needed."""

    default_code = "model_mismatch"


class EmbeddingModelError(NewsbotError):
    """The configured embedding model cannot be loaded, or the bundled one cannot be built."""

    default_code = "model_unavailable"


class StoreError(NewsbotError):
    """The vector store failed or disagrees with the article database."""

    default_code = "store_unavailable"


class DatabaseCorruptError(NewsbotError):
    """The article database file is damaged or not a database; the message names the file
    and the command that brings the records back."""

    default_code = "database_damaged"


class BackupError(NewsbotError):
    """A file `newsbot restore` refuses (not a newsbot backup, damaged, newer, the live file);
    nothing was changed."""

    default_code = "backup_refused"


class StorageError(NewsbotError):
    """The file system refused a read or write: no space left, a read-only folder, a path of
    the wrong kind. The message names the path and what to do; nothing half-written is left."""

    default_code = "storage"
