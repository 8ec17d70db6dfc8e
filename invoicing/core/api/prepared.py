"""ORM queries compiled to SQL once per process, then run with new values.

Turning a QuerySet into SQL (resolving joins, the select list, converters) costs about as
much CPU as PostgreSQL spends answering a small indexed lookup. The lookups that run on every
API request — the API key, an invoice by id — always have the same shape, so `PreparedQuery`
compiles the queryset once with placeholder values and afterwards only substitutes the real
ones. The SQL, the joins and the row handling (converters, `select_related` population) are
the ORM's own, so the rows are exactly what iterating the queryset would give; the tests that
count queries still see every query (it goes through Django's cursor).

If a placeholder cannot be found exactly once among the compiled parameters (the ORM
transformed or repeated it), the query is not cached and runs as a plain queryset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable, get_related_populators


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    positions: tuple[int, ...]
    compiler: Any
    values_names: tuple[str, ...] | None  # for .values() querysets
    model_slice: tuple[int, int] | None  # for model querysets: the base model's columns
    init_list: tuple[str, ...] | None
    populators: tuple | None


class PreparedQuery:
    """`PreparedQuery(build, *placeholders)`: `build(*args)` returns the queryset for the
    arguments; `placeholders` are distinctive values of the arguments' types used to compile
    it once. Call `.rows(*args)` for model instances or dicts (for `.values()` querysets)."""

    def __init__(self, build: Callable[..., QuerySet], *placeholders: Any):
        self.build = build
        self.placeholders = placeholders
        self._compiled: dict[str, _Compiled | None] = {}
        self._alias: str | None = None

    def _compile(self, alias: str) -> _Compiled | None:
        queryset = self.build(*self.placeholders)
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            return None
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        positions = []
        for placeholder in self.placeholders:
            found = [i for i, value in enumerate(params)
                     if type(value) is type(placeholder) and value == placeholder]
            if len(found) != 1:
                return None
            positions.append(found[0])
        if queryset._iterable_class is ValuesIterable:
            query = queryset.query
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
            return _Compiled(sql, tuple(params), tuple(positions), compiler, names,
                             None, None, None)
        if compiler.annotation_col_map or queryset._fields is not None \
                or queryset._iterable_class.__name__ != "ModelIterable":
            return None
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = tuple(f[0].target.attname for f in select[start:end])
        populators = tuple(get_related_populators(klass_info, select, alias))
        return _Compiled(sql, tuple(params), tuple(positions), compiler, None, (start, end),
                         init_list, populators)

    def rows(self, *args: Any, using: str | None = None) -> list:
        if using is None:
            if self._alias is None:
                self._alias = self.build(*self.placeholders).db
            using = self._alias
        alias = using
        if alias not in self._compiled:
            self._compiled[alias] = self._compile(alias)
        compiled = self._compiled[alias]
        if compiled is None:
            return list(self.build(*args))
        params = list(compiled.params)
        for position, value in zip(compiled.positions, args, strict=True):
            params[position] = value
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            raw = cursor.fetchall()
        rows = compiled.compiler.results_iter(results=[raw])
        if compiled.values_names is not None:
            names = compiled.values_names
            return [dict(zip(names, row, strict=True)) for row in rows]
        model = compiled.compiler.klass_info["model"]
        start, end = compiled.model_slice
        out = []
        for row in rows:
            obj = model.from_db(alias, compiled.init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            out.append(obj)
        return out
