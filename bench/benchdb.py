"""Shared by the Python benchmark scripts: the database a script is given, as `--db` takes it —
a SQLite file, or a PostgreSQL database (a postgresql:// URI), read and written through the
server's own client, psql (MYGAZ_PSQL, else the one on the PATH)."""
import json, os, shutil, sqlite3, subprocess, urllib.parse


def on_server(db):
    """Whether `db` names a PostgreSQL database rather than a SQLite file."""
    return db.startswith(("postgresql://", "postgres://"))


def psql():
    return os.environ.get("MYGAZ_PSQL") or shutil.which("psql") or "/usr/bin/psql"


def sql(db, query, *args):
    """One query on its own connection (the scripts read while mygaz-admin processes write):
    its rows as tuples of Python values (on a server read as JSON, so that a number is a
    number and text is text, as sqlite3 gives them)."""
    if not on_server(db):
        con = sqlite3.connect(db, timeout=30)
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()
    if args:
        raise ValueError("a query on a server takes no parameters here")
    # row_to_json keeps the columns in order, a name twice included (json, not jsonb)
    wrapped = f"SELECT coalesce(json_agg(row_to_json(q)), '[]') FROM ({query}) AS q"
    p = subprocess.run([psql(), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", wrapped],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"psql refused {query!r}: {p.stderr.strip()}")
    return json.loads(p.stdout, object_pairs_hook=lambda pairs: tuple(value for _, value in pairs))


def execute(db, script, lock_timeout_ms=None):
    """Statements that answer nothing, in one transaction. Returns psql's or SQLite's error, or None."""
    if not on_server(db):
        con = sqlite3.connect(db, timeout=30)
        try:
            with con:
                con.executescript(script)
            return None
        except sqlite3.Error as e:
            return str(e)
        finally:
            con.close()
    env = dict(os.environ)
    if lock_timeout_ms is not None:
        env["PGOPTIONS"] = f"-c lock_timeout={lock_timeout_ms}"
    p = subprocess.run([psql(), "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", db, "-f", "-"],
                       input=script, capture_output=True, text=True, env=env)
    return None if p.returncode == 0 else (p.stderr.strip() or f"psql exit {p.returncode}")


def literal(value):
    """A value written into SQL both engines read."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


# MARK: databases a script makes beside the one it is given (a server's, by name)

def sibling(db, name):
    """The database `name` on the server of `db` (a URI): the script's own scratch databases."""
    parts = urllib.parse.urlsplit(db)
    own = parts.path.lstrip("/")
    return urllib.parse.urlunsplit(parts._replace(path="/" + f"{own}_{name}"))


def _database(db):
    return urllib.parse.unquote(urllib.parse.urlsplit(db).path.lstrip("/"))


def _ident(name):
    return '"' + name.replace('"', '""') + '"'


def drop(server, db):
    """`db` and whatever connection is still at work in it (a killed command's) gone."""
    problem = _admin(server, f"DROP DATABASE IF EXISTS {_ident(_database(db))} WITH (FORCE)")
    if problem:
        raise RuntimeError(problem)


def create(server, db):
    """`db` made afresh, empty, as the tests' databases are."""
    drop(server, db)
    problem = _admin(server, f"CREATE DATABASE {_ident(_database(db))} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'")
    if problem:
        raise RuntimeError(problem)


def clone(server, src, dst):
    """`dst` made afresh as a copy of `src`, which no one may be connected to."""
    drop(server, dst)
    problem = _admin(server, f"CREATE DATABASE {_ident(_database(dst))} TEMPLATE {_ident(_database(src))}")
    if problem:
        raise RuntimeError(problem)


def _admin(server, statement):
    """A statement that may not run inside a transaction (CREATE/DROP DATABASE), on `server`'s database."""
    p = subprocess.run([psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", server, "-c", statement], capture_output=True, text=True)
    return None if p.returncode == 0 else p.stderr.strip()
