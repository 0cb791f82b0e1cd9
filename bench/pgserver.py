"""A PostgreSQL server of the benchmarks' own: initdb once into PG_BENCH_DIR (default
/var/tmp/mygaz-bench-pg; kept between runs, so the demo regions made there are made once), as the
system user mgzt-pg when run as root (initdb refuses root), started on a Unix socket of its own and
nowhere else, with the server's durable defaults (fsync and synchronous commit on: the figures are
a real server's), and stopped when the benchmark ends.

    server = Server.start()
    server.uri("demo_1000000")          # postgresql://mygaz@/demo_1000000?host=…
    server.sql("postgres", "SELECT 1")  # psql's unaligned answer
"""
import atexit, glob, os, pwd, shutil, subprocess, sys

USER = "mgzt-pg"


def binaries():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        sys.exit("PostgreSQL server binaries not found: install the Debian package postgresql")
    return os.path.dirname(found[-1])


class Server:
    def __init__(self, base):
        self.bin = binaries()
        self.base = base
        self.data = os.path.join(base, "data")
        self.socket = os.path.join(base, "socket")
        self.as_root = os.geteuid() == 0

    def _as_server(self, argv, **kw):
        if self.as_root:
            argv = ["runuser", "-u", USER, "--"] + argv
        return subprocess.run(argv, **kw)

    @classmethod
    def start(cls):
        server = cls(os.environ.get("PG_BENCH_DIR", "/var/tmp/mygaz-bench-pg"))
        os.makedirs(server.socket, exist_ok=True)
        if server.as_root:
            try:
                pwd.getpwnam(USER)
            except KeyError:
                subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER], check=True)
            shutil.chown(server.base, USER)
            shutil.chown(server.socket, USER)
        if not os.path.exists(os.path.join(server.data, "PG_VERSION")):
            server._as_server([server.bin + "/initdb", "-D", server.data, "-U", "mygaz", "--auth=trust", "-E", "UTF8",
                               "--locale=C.UTF-8"], check=True, stdout=subprocess.DEVNULL)
        options = (f"-k {server.socket} -c listen_addresses='' -c max_wal_size=8GB -c shared_buffers=256MB "
                   f"-c max_connections=50")
        log = os.path.join(server.base, "server.log")
        started = server._as_server([server.bin + "/pg_ctl", "-D", server.data, "-l", log, "-w", "-t", "120", "-o", options,
                                     "start"], stdout=subprocess.DEVNULL)
        if started.returncode != 0:
            sys.exit(f"the benchmark's PostgreSQL server did not start: see {log}")
        atexit.register(server.stop)
        return server

    def stop(self):
        self._as_server([self.bin + "/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"], stdout=subprocess.DEVNULL)

    def uri(self, name):
        return f"postgresql://mygaz@/{name}?host={self.socket}"

    def psql(self):
        return os.path.join(self.bin, "psql")

    def sql(self, database, query):
        out = subprocess.run([self.psql(), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.uri(database), "-c", query],
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"psql on {database}: {out.stderr.strip()}\n{query}")
        return out.stdout.strip()

    def exists(self, name):
        return self.sql("postgres", f"SELECT count(*) FROM pg_database WHERE datname = '{name}'") == "1"

    def drop(self, name):
        self.sql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def copy(self, template, name):
        """A fresh database holding what `template` holds."""
        self.drop(name)
        self.sql("postgres", f"CREATE DATABASE {name} TEMPLATE {template}")

    def made(self, name, make):
        """Database `name`, made once by make(uri) under another name and renamed when it is whole."""
        if not self.exists(name):
            scratch = name + "_making"
            self.drop(scratch)
            self.sql("postgres", f"CREATE DATABASE {scratch} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'")
            make(self.uri(scratch))
            self.sql("postgres", f"ALTER DATABASE {scratch} RENAME TO {name}")
        return name
