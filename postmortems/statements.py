"""Statements run together: a page that reads several things sends their SQL in one round
trip (on PostgreSQL), each statement's rows read back as its own kind of row.

Django's psycopg cursor binds parameters on the client and sends such a batch as one simple
query, which gives a result set per statement (read in turn with ``nextset``); elsewhere
(SQLite runs one statement at a time) they are run one by one. On a loaded machine every
round trip waits for the database's process to be scheduled: the dashboard's 11 queries were
most of its SQL time."""

from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import Expression


class Given(Expression):
    """A parameter given when the statement runs (``Statement.given``), not when it is
    compiled: what changes per request (the start of a time window) in a statement compiled
    once. It compiles to a placeholder holding itself, and is adapted as its field adapts a
    value when given."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]


@dataclass(frozen=True)
class Statement:
    """SQL and its parameters, and what each row is read as: ``row_class`` called with the
    columns by name (a values() queryset's SQL names each), or the row as a tuple when
    ``row_class`` is None. A queryset's statement converts its values as the queryset does
    (``converters``: e.g. SQLite's dates and times, given as text)."""
    sql: str
    params: tuple
    row_class: type | None = None
    converters: tuple = ()  # (column, converter functions, expression)

    @classmethod
    def of(cls, queryset, row_class=None):
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        return cls(sql, tuple(params), row_class, tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in converters.items()))

    def given(self, **values):
        """This statement with its Given parameters' values."""
        return replace(self, params=tuple(
            param.output_field.get_db_prep_value(values[param.name], connection)
            if isinstance(param, Given) else param for param in self.params))

    def read(self, cursor):
        rows = cursor.fetchall()
        if self.converters:  # as django.db.models.sql.compiler.SQLCompiler.apply_converters
            rows = [self._converted(list(row)) for row in rows]
        if self.row_class is None:
            return rows
        names = [column[0] for column in cursor.description]
        return [self.row_class(**dict(zip(names, row, strict=True))) for row in rows]

    def _converted(self, row):
        for position, functions, expression in self.converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        return tuple(row)


def run(*statements):
    """The rows of each statement, in order: one round trip on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            results = []
            for statement in statements:
                cursor.execute(statement.sql, statement.params)
                results.append(statement.read(cursor))
            return results
        cursor.execute(";\n".join(statement.sql for statement in statements),
                       [param for statement in statements for param in statement.params])
        results = [statements[0].read(cursor)]
        for statement in statements[1:]:
            cursor.nextset()
            results.append(statement.read(cursor))
        return results
