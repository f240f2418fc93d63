"""Three "hosts" on one machine, made of Linux network namespaces joined by veth pairs to a bridge:

    db      10.221.27.2   PostgreSQL (its own cluster, initdb'd into a temp dir) on :5433, Redis on :6390 (the
                          Celery broker) and :6391 (the cache)
    web     10.221.27.3   gunicorn raptorflow.wsgi on :8120 (deploy/gunicorn.conf.py), and celery beat
    worker  10.221.27.4   a celery worker on the runs, maintenance and analytics queues (as in docker-compose)

The test process stays in the root namespace at 10.221.27.1 on the bridge, as the client and the observer. No
namespace has a default route: nothing leaves the machine. Needs root and iproute2; nftables for the partitions
that cut one port only. Everything is torn down by close(), whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "rfr"  # every namespace, link and nft table made here starts with it
SUBNET = "10.221.27"
BRIDGE = f"{PREFIX}br0"
HOSTS = {"db": 2, "web": 3, "worker": 4}
PG_PORT, BROKER_PORT, CACHE_PORT, WEB_PORT = 5433, 6390, 6391, 8120


def run(*cmd: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def ns(host: str) -> str:
    return f"{PREFIX}-{host}"


def address(host: str) -> str:
    return f"{SUBNET}.{HOSTS[host]}"


def link(host: str) -> str:
    """The root-namespace end of the host's veth pair (on the bridge): setting it down cuts the host off."""
    return f"{PREFIX}-{host}0"


def missing_prerequisites() -> list[str]:
    problems = []
    if os.geteuid() != 0:
        problems.append("must run as root (network namespaces)")
    for tool, package in (("ip", "iproute2"), ("nft", "nftables"), ("redis-server", "redis-server")):
        if shutil.which(tool) is None:
            problems.append(f"{tool} is missing (apt-get install {package})")
    for tool in ("initdb", "postgres", "psql"):
        if shutil.which(tool) is None and not Path(f"/usr/lib/postgresql/15/bin/{tool}").exists():
            problems.append(f"{tool} is missing (apt-get install postgresql)")
    return problems


def pg_bin(tool: str) -> str:
    found = shutil.which(tool)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"))
    if not versions:
        raise RuntimeError(f"{tool} not found")
    return str(versions[-1])


@dataclass
class Lab:
    workdir: Path
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)
    api_key: str = ""
    _secrets: dict[str, str] = field(default_factory=dict)
    pg_dir: Path | None = None

    # --- network ------------------------------------------------------------------------------------
    def build_network(self) -> None:
        self.teardown_network()  # leftovers of an interrupted run
        run("ip", "link", "add", BRIDGE, "type", "bridge")
        run("ip", "addr", "add", f"{SUBNET}.1/24", "dev", BRIDGE)
        run("ip", "link", "set", BRIDGE, "up")
        for host in HOSTS:
            run("ip", "netns", "add", ns(host))
            run("ip", "link", "add", link(host), "type", "veth", "peer", "name", f"{PREFIX}-{host}1")
            run("ip", "link", "set", f"{PREFIX}-{host}1", "netns", ns(host))
            run("ip", "link", "set", link(host), "master", BRIDGE)
            run("ip", "link", "set", link(host), "up")
            inside = ("ip", "netns", "exec", ns(host), "ip")
            run(*inside, "link", "set", "lo", "up")
            run(*inside, "link", "set", f"{PREFIX}-{host}1", "name", "eth0")
            run(*inside, "addr", "add", f"{address(host)}/24", "dev", "eth0")
            run(*inside, "link", "set", "eth0", "up")

    def teardown_network(self) -> None:
        for host in HOSTS:
            run("ip", "netns", "del", ns(host), check=False)
            run("ip", "link", "del", link(host), check=False)
        run("ip", "link", "del", BRIDGE, check=False)

    def cut(self, host: str) -> None:
        """The host loses its only link: every packet to and from it is dropped, silently (no reset, no error)."""
        run("ip", "link", "set", link(host), "down")

    def heal(self, host: str) -> None:
        run("ip", "link", "set", link(host), "up")

    def block_port(self, host: str, dest: str, port: int) -> None:
        """Drop what the host sends to dest:port (and so every answer): one service partitioned, the rest not."""
        rules = (
            f"add table inet {PREFIX}\n"
            f"add chain inet {PREFIX} out {{ type filter hook output priority 0; policy accept; }}\n"
            f"add rule inet {PREFIX} out ip daddr {address(dest)} tcp dport {port} drop\n"
        )
        subprocess.run(["ip", "netns", "exec", ns(host), "nft", "-f", "-"], input=rules, text=True, check=True)

    def unblock(self, host: str) -> None:
        run("ip", "netns", "exec", ns(host), "nft", "delete", "table", "inet", PREFIX)

    # --- processes ----------------------------------------------------------------------------------
    def start(self, name: str, host: str, cmd: list[str], *, env: dict | None = None, user: str | None = None) -> None:
        log = self.workdir / f"{name}.log"
        self.logs[name] = log
        prefix = ["ip", "netns", "exec", ns(host)]
        if user:
            prefix += ["runuser", "-u", user, "--"]
        with open(log, "ab") as out:
            self.procs[name] = subprocess.Popen(
                [*prefix, *cmd], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self, name: str, timeout: float = 20) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def tail(self, name: str, chars: int = 4000) -> str:
        path = self.logs.get(name)
        return f"--- {name} ---\n" + (path.read_text(errors="replace")[-chars:] if path and path.exists() else "")

    def close(self) -> None:
        for name in ("web", "beat", "worker", "broker", "cache", "postgres"):
            self.stop(name)
        for name in list(self.procs):
            self.stop(name)
        self.teardown_network()
        if self.pg_dir is not None:
            shutil.rmtree(self.pg_dir, ignore_errors=True)

    # --- the db host --------------------------------------------------------------------------------
    def start_db_host(self) -> None:
        # Outside pytest's temp directory, which only root may enter: the server runs as the postgres user.
        self.pg_dir = Path(tempfile.mkdtemp(prefix=f"{PREFIX}-pg-"))
        data = self.pg_dir / "data"
        data.mkdir()
        postgres_user = pwd.getpwnam("postgres")
        os.chown(data, postgres_user.pw_uid, postgres_user.pw_gid)
        os.chmod(self.pg_dir, 0o755)
        run("runuser", "-u", "postgres", "--", pg_bin("initdb"), "-D", str(data), "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--locale=C", timeout=120)  # fmt: skip
        with open(data / "pg_hba.conf", "a") as hba:
            hba.write(f"host all all {SUBNET}.0/24 trust\n")
        self.start(
            "postgres", "db",
            [pg_bin("postgres"), "-D", str(data), "-p", str(PG_PORT), "-c", f"listen_addresses={address('db')}",
             "-c", f"unix_socket_directories={data}", "-c", "fsync=off", "-c", "max_connections=200"],
            user="postgres",
        )  # fmt: skip
        for name, port in (("broker", BROKER_PORT), ("cache", CACHE_PORT)):
            self.start(
                name, "db",
                # Protected mode off: the server is reachable on its namespace's address only, by the lab's hosts.
                ["redis-server", "--bind", address("db"), "--port", str(port), "--save", "", "--appendonly", "no",
                 "--protected-mode", "no", "--dir", str(self.workdir)],
            )  # fmt: skip
        wait(lambda: self.psql("SELECT 1", database="postgres") == "1", 60, "PostgreSQL on the db host")
        self.psql("CREATE DATABASE raptorflow", database="postgres")

    def psql(self, sql: str, *, database: str = "raptorflow") -> str:
        result = subprocess.run(
            ["psql", "-X", "-h", address("db"), "-p", str(PG_PORT), "-U", "postgres", "-d", database, "-tAc", sql],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        if result.returncode != 0:
            return f"ERROR {result.stderr.strip()}"
        return result.stdout.strip()

    # --- the app hosts ------------------------------------------------------------------------------
    def app_env(self, **extra: str) -> dict[str, str]:
        """Production settings as bench/run.py builds them (generated secrets), pointed at the db host."""
        from cryptography.fernet import Fernet

        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TZ")}
        (self.workdir / "static").mkdir(exist_ok=True)
        db = address("db")
        return {
            **keep,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{keep.get('PATH', '/usr/bin:/bin')}",
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "raptorflow.settings",
            "DJANGO_ENV": "production",
            "SECRET_KEY": self._secret("SECRET_KEY", lambda: secrets.token_urlsafe(64)),
            "RAPTORFLOW_ENCRYPTION_KEYS": self._secret("ENC", lambda: Fernet.generate_key().decode()),
            "RAPTORFLOW_AUDIT_KEYS": self._secret("AUDIT", lambda: secrets.token_urlsafe(32)),
            "RAPTORFLOW_AUDIT_CHECKPOINT_SINK": "file",  # no syslog daemon here (as in the bench)
            "ALLOWED_HOSTS": address("web"),
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"postgres://postgres@{db}:{PG_PORT}/raptorflow",
            "REDIS_URL": f"redis://{db}:{CACHE_PORT}/0",
            "CELERY_BROKER_URL": f"redis://{db}:{BROKER_PORT}/0",
            "API_THROTTLE_USER": "100000/min",
            "RAPTORFLOW_VAR_DIR": str(self.workdir / "var"),
            "STATIC_ROOT": str(self.workdir / "static"),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            "PORT": str(WEB_PORT),
            "WEB_CONCURRENCY": "2",
            **extra,
        }

    def _secret(self, name: str, make) -> str:
        return self._secrets.setdefault(name, make())

    def manage(self, env: dict[str, str], *args: str, timeout: float = 300) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        return result.stdout

    def start_app_hosts(self, env: dict[str, str], *, worker_concurrency: int = 2) -> None:
        bin_dir = Path(sys.executable).parent
        gunicorn = [str(bin_dir / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "raptorflow.wsgi:application"]
        self.start("web", "web", gunicorn, env={**env, "GUNICORN_CMD_ARGS": "--max-requests 0"})
        self.start("beat", "web", [str(bin_dir / "celery"), "-A", "raptorflow", "beat", "--loglevel=INFO",
                   f"--schedule={self.workdir / 'celerybeat-schedule'}"], env=env)  # fmt: skip
        self.start("worker", "worker", [str(bin_dir / "celery"), "-A", "raptorflow", "worker", "--loglevel=INFO",
                   "--queues=runs,maintenance,analytics", f"--concurrency={worker_concurrency}",
                   "--hostname=worker@chaos"], env=env)  # fmt: skip
        wait(lambda: http_ok(f"{self.web_url}/health/live"), 90, f"gunicorn on the web host\n{self.tail('web')}")
        wait(lambda: b" ready." in self.logs["worker"].read_bytes(), 90, f"the worker\n{self.tail('worker')}")

    @property
    def web_url(self) -> str:
        return f"http://{address('web')}:{WEB_PORT}"


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def wait(predicate, timeout: float, what: str, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
