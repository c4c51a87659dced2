"""Copying one store's records from one database to another (`newsbot db migrate`).

Both sides are first brought to the head of the store's history, so their tables agree; then
every row of every table is copied in one transaction on the target, parents before children,
and each table's count is compared before it commits. A target that already holds records is
refused (copying into it could mix two installs), and a failure leaves it as it was. Rows keep
their ids and states: an alert marked sent stays sent and is never sent again from the target.
"""

from dataclasses import dataclass

from sqlalchemy import Connection, MetaData, Table, func, inspect, select, text

from index.errors import InputError
from index.store import schema
from index.store.database import Database

_BATCH = 1000


@dataclass(frozen=True)
class Copied:
    """One table copied: how many rows the source had and the target now has."""

    table: str
    source: int
    target: int


def copy_store(source: Database, target: Database, history: schema.History) -> list[Copied]:
    """Copy every table of `history` from `source` into the empty `target`; the counts of
    each table, checked equal before the copy commits."""
    schema.upgrade(source, history)
    schema.upgrade(target, history)
    tables = MetaData()
    with source.connect() as conn:
        names = [n for n in inspect(conn).get_table_names() if n != history.version_table]
        tables.reflect(conn, only=names)
    ordered = list(tables.sorted_tables)  # parents before the rows that name them
    copied: list[Copied] = []
    with source.connect() as read, target.connect(immediate=True) as write:
        for table in ordered:
            held = write.execute(select(func.count()).select_from(table)).scalar_one()
            if held:
                raise InputError(
                    f"{target.where} already holds records ({held} in {table.name}): "
                    "migrate into a new, empty database"
                )
        for table in ordered:
            rows = read.execute(select(table)).mappings()
            while batch := rows.fetchmany(_BATCH):
                write.execute(table.insert(), [dict(row) for row in batch])
            had = read.execute(select(func.count()).select_from(table)).scalar_one()
            has = write.execute(select(func.count()).select_from(table)).scalar_one()
            if had != has:
                raise InputError(
                    f"{table.name}: {had} rows in {source.where} but {has} copied; "
                    "nothing was kept in the target"
                )
            copied.append(Copied(table.name, int(had), int(has)))
        if not target.is_sqlite:
            _continue_sequences(write, ordered)
    return copied


def _continue_sequences(conn: Connection, tables: list[Table]) -> None:
    """Ids given by PostgreSQL's sequences go on after the copied rows' highest."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"),
                {"t": table.name, "c": column.name},
            ).scalar_one()
            if sequence is None:
                continue
            conn.execute(
                text(
                    f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") FROM '
                    f'"{table.name}"), 1), (SELECT COUNT(*) > 0 FROM "{table.name}"))'
                ),
                {"s": sequence},
            )
