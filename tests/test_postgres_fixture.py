"""The throwaway PostgreSQL cluster of the tests (tests/postgres.py) and its per-test databases."""

import psycopg

from tests.postgres import PostgresCluster


def test_each_test_gets_an_empty_database_of_its_own(
    postgres_cluster: PostgresCluster, postgres_url: str
):
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
        conn.execute("INSERT INTO t VALUES (1)")
        assert (
            conn.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]
            == postgres_url.rsplit("/", 1)[1]
        )
    other = postgres_cluster.new_database()
    try:
        with postgres_cluster.connect(other) as conn:
            found = conn.execute("SELECT COUNT(*) FROM pg_tables WHERE tablename = 't'")
            assert found.fetchone()[0] == 0  # type: ignore[index]
    finally:
        postgres_cluster.drop_database(other)


def test_the_cluster_also_answers_on_its_unix_socket(postgres_cluster: PostgresCluster):
    with psycopg.connect(
        host=str(postgres_cluster.socket_dir),
        port=postgres_cluster.port,
        user="postgres",
        dbname="postgres",
    ) as conn:
        assert conn.execute("SELECT 1").fetchone()[0] == 1  # type: ignore[index]
