"""A private PostgreSQL server for the tests: Debian's binaries, a fresh cluster in a
temporary folder, listening on a Unix socket only, stopped afterwards."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_server(root: Path) -> Iterator[str]:
    """Yields a SQLAlchemy URL of a database `masthead` on a new cluster under `root`."""
    if not BINARIES:
        raise RuntimeError("PostgreSQL is not installed (make setup installs Debian's postgresql)")
    binaries = BINARIES[0]
    root.mkdir(parents=True, exist_ok=True)
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (root, sockets):
            shutil.chown(path, user.pw_uid, user.pw_gid)
        for parent in root.parents:  # the server must reach its socket folder
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o011)
    subprocess.run(_as_postgres([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                 "--no-sync"]), check=True, capture_output=True)
    subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w",
                                 "-o", f"-k {sockets} -c listen_addresses= -c fsync=off", "start"]),
                   check=True, capture_output=True)
    try:
        subprocess.run(_as_postgres([str(binaries / "createdb"), "-h", str(sockets), "-U", "postgres", "masthead"]),
                       check=True, capture_output=True)
        yield f"postgresql+psycopg://postgres@/masthead?host={sockets}"
    finally:
        subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
