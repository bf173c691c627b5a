"""Reads a ledger the way an auditor would, straight from its database — an SQLite file or PostgreSQL — with
the same `?`-parameter SQL and rows that answer to a column's name or position on both."""
import sqlite3


class _Row:
    def __init__(self, names, values):
        self._names, self._values = names, values

    def __getitem__(self, key):
        return self._values[key] if isinstance(key, int) else self._values[self._names.index(key)]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def keys(self):
        return list(self._names)


def _rows(cursor):
    names = [column.name for column in cursor.description or []]
    return lambda values: _Row(names, values)


class LedgerDB:
    def __init__(self, location: str):
        self.postgres = location.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            import psycopg
            self.connection = psycopg.connect(location, autocommit=True, row_factory=_rows)
        else:
            self.connection = sqlite3.connect(location)
            self.connection.row_factory = sqlite3.Row

    def execute(self, sql, parameters=()):
        return self.connection.execute(sql.replace("?", "%s") if self.postgres else sql, parameters)

    def scalar(self, sql, parameters=()):
        return self.execute(sql, parameters).fetchone()[0]

    def tables(self) -> set:
        if self.postgres:
            query = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        else:
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        return {row[0] for row in self.execute(query)}

    def close(self):
        self.connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
