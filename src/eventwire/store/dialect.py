"""The store's SQL, written once in SQLite's dialect, translated for PostgreSQL: one function per difference.

The queries (store/queries.py, stories.py, store/sqlite.py) keep SQLite's spelling; a PostgreSQL connection
(store/postgres.py) passes each statement through ``translate`` once (cached). What changes:

- placeholders ``?`` and ``:name`` become psycopg's ``%s`` and ``%(name)s`` (a literal ``%`` becomes ``%%``);
- ``INSERT OR IGNORE`` becomes ``ON CONFLICT DO NOTHING``, ``INSERT OR REPLACE`` an upsert on the primary key, and a
  positional ``INSERT INTO t VALUES`` gets the table's column list (the PostgreSQL tables carry a rowid column);
- ``x <op> ? COLLATE NOCASE`` becomes ``lower(x) <op> lower(?)`` and ``GROUP/ORDER BY x COLLATE NOCASE``
  ``lower(x)`` (expression indexes in migrations_pg/0003);
- the FTS5 table ``articles_fts`` becomes the tsvector column of ``articles``, and ``MATCH`` becomes ``@@``;
- ``CROSS JOIN ... ON`` (SQLite's join-order hint) becomes ``JOIN``;
- every ``ORDER BY`` term gets SQLite's NULL placement (NULLs first ascending, last descending), so that listings,
  windows and exports come out in the same order on both backends.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

# Columns of a table in insert order (rowid and generated columns left out), and its primary key.
TableInfo = Callable[[str], tuple[Sequence[str], Sequence[str]]]

_NOCASE_COMPARE = re.compile(r"([\w.]+) (=|>=|<=|<|>) \? COLLATE NOCASE")
_NOCASE_BY = re.compile(r"\b(GROUP BY|ORDER BY) ([\w.]+) COLLATE NOCASE")
_INSERT = re.compile(r"^\s*INSERT OR (IGNORE|REPLACE) INTO (\w+)", re.IGNORECASE)
_POSITIONAL = re.compile(r"^(\s*INSERT INTO (\w+)) VALUES\s*\(", re.IGNORECASE)
_COLUMNS = re.compile(r"^\s*INSERT INTO \w+\s*\(([^)]*)\)", re.IGNORECASE)
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_STOP = re.compile(r"\b(LIMIT|OFFSET)\b", re.IGNORECASE)


def translate(sql: str, table_info: TableInfo, named: bool = False) -> str:
    """One SQLite statement in PostgreSQL's dialect (see the module docstring)."""
    sql = _insert_conflicts(sql, table_info)
    sql = _NOCASE_COMPARE.sub(r"lower(\1) \2 lower(?)", sql)
    sql = _NOCASE_BY.sub(r"\1 lower(\2)", sql)
    sql = sql.replace("FROM articles_fts", "FROM articles articles_fts")
    sql = sql.replace("articles_fts MATCH ?", "articles_fts.fts @@ websearch_to_tsquery('simple', ?)")
    sql = sql.replace("CROSS JOIN", "JOIN")
    sql = _null_order(sql)
    sql = sql.replace("%", "%%")
    sql = _NAMED.sub(r"%(\1)s", sql) if named else sql.replace("?", "%s")
    return sql


def _insert_conflicts(sql: str, table_info: TableInfo) -> str:
    m = _INSERT.match(sql)
    if m:
        sql = "INSERT INTO " + m.group(2) + sql[m.end():]
    p = _POSITIONAL.match(sql)
    if p:
        columns, _ = table_info(p.group(2))
        count = _count_values(sql[p.end() - 1:])
        sql = f"{p.group(1)} ({', '.join(_quote(c) for c in columns[:count])}) VALUES (" + sql[p.end():]
    if not m:
        return sql
    if m.group(1).upper() == "IGNORE":
        return sql.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    columns, key = table_info(m.group(2))
    named = _COLUMNS.match(sql)
    given = [c.strip().strip('"') for c in named.group(1).split(",")] if named else list(columns)
    updates = ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in given if c not in key)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return sql.rstrip().rstrip(";") + f" ON CONFLICT ({', '.join(_quote(k) for k in key)}) {action}"


def _count_values(tail: str) -> int:
    """How many values the first parenthesised tuple of ``tail`` (starting at its "(") holds."""
    depth, count = 0, 1
    for ch in tail:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return count
        elif ch == "," and depth == 1:
            count += 1
    return count


def _quote(name: str) -> str:
    return f'"{name}"'


def _null_order(sql: str) -> str:
    """Explicit NULLS FIRST/LAST on every ORDER BY term, as SQLite orders them."""
    out: list[str] = []
    i = 0
    upper = sql.upper()
    while True:
        j = upper.find("ORDER BY", i)
        if j < 0:
            out.append(sql[i:])
            return "".join(out)
        start = j + len("ORDER BY")
        out.append(sql[i:start])
        end, terms = _order_terms(sql, start)
        out.append(",".join(_with_nulls(t) for t in terms))
        i = end


def _order_terms(sql: str, start: int) -> tuple[int, list[str]]:
    """The terms of an ORDER BY clause starting at ``start``: until a closing parenthesis of the enclosing level,
    LIMIT/OFFSET, or the end."""
    depth, quote = 0, ""
    terms: list[str] = []
    current_start = start
    k = start
    while k < len(sql):
        ch = sql[k]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                break
            depth -= 1
        elif ch == "," and depth == 0:
            terms.append(sql[current_start:k])
            current_start = k + 1
        elif depth == 0 and _STOP.match(sql, k) and (k == 0 or not (sql[k - 1].isalnum() or sql[k - 1] == "_")):
            break
        k += 1
    terms.append(sql[current_start:k])
    return k, terms


def _with_nulls(term: str) -> str:
    stripped = term.rstrip()
    trail = term[len(stripped):] or ""
    words = stripped.upper().split()
    if not words or "NULLS" in words:
        return term
    nulls = " NULLS LAST" if words[-1] == "DESC" else " NULLS FIRST"
    return stripped + nulls + (trail or " ")
