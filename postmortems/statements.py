"""Statements run together: a page that reads several things sends their SQL in one round
trip (on PostgreSQL), each statement's rows read back as its own kind of row.

Django's psycopg cursor binds parameters on the client and sends such a batch as one simple
query, which gives a result set per statement (read in turn with ``nextset``); elsewhere
(SQLite runs one statement at a time) they are run one by one. On a loaded machine every
round trip waits for the database's process to be scheduled: the dashboard's 11 queries were
most of its SQL time.

A page that runs the same statements on every load may keep their plans (``run(...,
prepared=True)``, PostgreSQL): each is prepared once per database session (SQL ``PREPARE``,
sent in the same round trip the first time) and run by ``EXECUTE``, so the database plans it
once instead of on every request (the dashboard's eight: ~1.4 of its ~5 ms of SQL at 10,000
incidents). What a statement is compiled with (e.g. the day) is written into the prepared
text; only its Given parameters are the prepared statement's parameters. A session's prepared
statements live as long as the connection: they need a direct connection or a pooler in
session mode (not transaction pooling).
"""

import functools
import hashlib
import re
import weakref
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import Expression
from django.db.models.query import ModelIterable, get_related_populators

# Prepared statements kept per database session at most; past it, they are all deallocated.
PREPARED_PER_SESSION = 64


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
    columns by name (a values() queryset's SQL names each), the row as a tuple when
    ``row_class`` is None, or a model instance (of_instances). A queryset's statement
    converts its values as the queryset does (``converters``: e.g. SQLite's dates and times,
    given as text)."""
    sql: str
    params: tuple
    row_class: type | None = None
    converters: tuple = ()  # (column, converter functions, expression)
    given_at: tuple = ()  # the positions of the parameters given when it runs (given)
    instances: "Instances | None" = field(default=None, compare=False)  # of_instances

    @classmethod
    def of(cls, queryset, row_class=None):
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        return cls(sql, tuple(params), row_class, tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in converters.items()))

    @classmethod
    def of_instances(cls, queryset):
        """``queryset``'s rows as its model's instances, made as its ModelIterable makes
        them: ``Model.from_db`` (a model's own from_db runs too), the select_related rows
        and the annotations set on each."""
        if queryset._iterable_class is not ModelIterable:
            raise ValueError("of_instances reads a queryset of model instances")
        statement = cls.of(queryset)
        compiler = queryset.query.get_compiler(queryset.db)
        compiler.setup_query()
        return replace(statement, instances=Instances(compiler, queryset.db))

    def given(self, **values):
        """This statement with its Given parameters' values."""
        return replace(self, params=tuple(
            param.output_field.get_db_prep_value(values[param.name], connection)
            if isinstance(param, Given) else param for param in self.params),
            given_at=tuple(position for position, param in enumerate(self.params)
                           if isinstance(param, Given)))

    def read(self, cursor):
        if cursor.description is None:  # a command (an upsert): no rows
            return []
        rows = cursor.fetchall()
        if self.converters:  # as django.db.models.sql.compiler.SQLCompiler.apply_converters
            rows = [self._converted(list(row)) for row in rows]
        if self.instances is not None:
            return [self.instances.make(row) for row in rows]
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


class Instances:
    """How a queryset's compiler makes model instances of its rows (as
    django.db.models.query.ModelIterable does), worked out once."""

    def __init__(self, compiler, db):
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        self.model, self.db = klass_info["model"], db
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start:self.end]]
        self.related = get_related_populators(klass_info, select, db)
        self.annotations = tuple(compiler.annotation_col_map.items())

    def make(self, row):
        instance = self.model.from_db(self.db, self.init_list, row[self.start:self.end])
        for related in self.related:
            related.populate(row, instance)
        for name, position in self.annotations:
            setattr(instance, name, row[position])
        return instance


def run(*statements, prepared=False):
    """The rows of each statement, in order: one round trip on PostgreSQL; with ``prepared``,
    each statement is planned once per database session (see the module)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            results = []
            for statement in statements:
                cursor.execute(statement.sql, statement.params)
                results.append(statement.read(cursor))
            return results
        session = _prepared_in(connection.connection) if prepared else None
        if session is None:
            commands, sql = [], [statement.sql for statement in statements]
            params = [param for statement in statements for param in statement.params]
        else:
            commands, sql, params = _prepared_batch(session, statements)
        try:
            cursor.execute(";\n".join([*commands, *sql]), params)
        except Exception:
            if session is not None:  # which of its PREPAREs ran is unknown: none again
                _PREPARED[connection.connection] = None
            raise
        for _ in commands:  # their results hold no rows
            cursor.nextset()
        results = [statements[0].read(cursor)]
        for statement in statements[1:]:
            cursor.nextset()
            results.append(statement.read(cursor))
        return results


# Per database session (the DB-API connection), the names of the statements prepared in it;
# None once a batch failed (they are then not used on that connection).
_PREPARED = weakref.WeakKeyDictionary()


def _prepared_in(session):
    return _PREPARED.setdefault(session, set())


def _prepared_batch(session, statements):
    """(commands, statements' SQL, parameters) running these statements by EXECUTE of the
    session's prepared statements, the commands preparing those it has not yet."""
    commands = []
    if len(session) + len(statements) > PREPARED_PER_SESSION:
        commands += [f"DEALLOCATE {name}" for name in sorted(session)]
        session.clear()
    sql, params = [], []
    for statement in statements:
        given_at = set(statement.given_at)
        name, text = _prepared_text(statement.sql, statement.given_at, tuple(
            param for position, param in enumerate(statement.params)
            if position not in given_at))
        if name not in session:
            commands.append(f"PREPARE {name} AS {text}")
            session.add(name)
        given = [statement.params[position] for position in statement.given_at]
        sql.append(f"EXECUTE {name}({', '.join(['%s'] * len(given))})" if given
                   else f"EXECUTE {name}")
        params += given
    return commands, sql, params


def _prepared_text(sql, given_at, fixed):
    try:
        return _kept_prepared_text(sql, given_at, fixed)
    except TypeError:  # a parameter that cannot be a key (e.g. a list)
        return _prepared_text_of(sql, given_at, fixed)


def _prepared_text_of(sql, given_at, fixed):
    """(name, text) of a statement's prepared form: its fixed parameters written in as
    literals, its given ones as $1, $2... (the text stays in the driver's format: a literal's
    "%" doubled)."""
    fixed, parts, placeholder = iter(fixed), [], 0
    for position, piece in enumerate(_PLACEHOLDERS.split(sql)):
        if position % 2 == 0 or piece == "%%":
            parts.append(piece)
            continue
        if placeholder in given_at:
            parts.append(f"${given_at.index(placeholder) + 1}")
        else:
            parts.append(connection.ops.compose_sql("%s", [next(fixed)]).replace("%", "%%"))
        placeholder += 1
    text = "".join(parts)
    return "pm_" + hashlib.blake2b(text.encode(), digest_size=10).hexdigest(), text


_kept_prepared_text = functools.lru_cache(maxsize=128)(_prepared_text_of)
_PLACEHOLDERS = re.compile(r"(%%|%s)")


def model_statement(queryset):
    """A queryset of model objects (its select_related ones included) as a statement of plain
    rows, and the function that makes a row its object, as Django's own iteration does
    (ModelIterable, without its known related objects or annotations): for a read whose SQL
    is compiled once (a Given parameter) yet whose rows are wanted as models."""
    from django.db.models.query import get_related_populators

    compiler = queryset.query.get_compiler(queryset.db)
    compiler.setup_query()  # the columns, in the statement's order
    select, klass_info = compiler.select, compiler.klass_info
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    names = [column[0].target.attname for column in select[start:end]]
    related = get_related_populators(klass_info, select, queryset.db)
    model, db = klass_info["model"], queryset.db

    def make(row):
        instance = model.from_db(db, names, row[start:end])
        for populator in related:
            populator.populate(row, instance)
        return instance

    return Statement.of(queryset), make
