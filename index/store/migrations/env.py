"""Alembic's environment for newsbot's histories: run on the connection `schema.upgrade` gives.

newsbot runs its migrations itself, when a store opens (index/store/schema.py); this file is
what Alembic calls back, with the connection and the history's version table in the config's
attributes. `alembic revision` needs it too, to write a new revision (docs/scaling.md).
"""

from alembic import context

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    version_table=config.attributes["version_table"],
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying a table
)
with context.begin_transaction():
    context.run_migrations()
