"""Shared by the Python benchmark scripts."""
import sqlite3


def sql(db, query, *args):
    """One query on its own connection (the scripts read while mygaz-admin processes write)."""
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(query, args).fetchall()
    finally:
        con.close()
