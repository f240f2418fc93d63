"""A real Celery worker process against the configured broker and the test database."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    """One `celery worker` subprocess; its output goes to a log file the test can read on failure."""

    def __init__(self, log_path: Path, env: dict[str, str]):
        self.log_path = log_path
        self.env = env
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> WorkerProcess:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "raptorflow", "worker",
                "--loglevel=INFO", "--queues=runs,maintenance", "--concurrency=1", "--pool=prefork",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b" ready." in self.log_path.read_bytes():
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"worker did not start:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and its pool child): nothing gets to clean up."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]


@pytest.fixture
def worker_env(settings):
    settings.RAPTORFLOW_HEARTBEAT_STALE_SECONDS = 2
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "raptorflow.settings.test",
            "RAPTORFLOW_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
            "RAPTORFLOW_HEARTBEAT_STALE_SECONDS": "2",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@pytest.fixture
def purge_broker():
    from raptorflow.celery import app

    for queue in ("runs", "maintenance"):
        # A queue that does not exist yet has nothing to purge.
        with app.connection_for_write() as conn, conn.channel() as channel, contextlib.suppress(Exception):
            channel.queue_purge(queue)


@pytest.fixture
def start_worker(tmp_path, worker_env, purge_broker):
    workers: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        worker = WorkerProcess(tmp_path / f"worker-{len(workers)}.log", worker_env)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


def wait_for(predicate, *, timeout: float, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway redis-server of the test's own (nothing kept on disk), so that it can be frozen and resumed."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(self._answers, timeout=10, message=f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections (the kernel's backlog), but nothing ever answers."""
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        self.resume()
        self.proc.terminate()
        self.proc.wait(timeout=10)


class WebProcess:
    """gunicorn serving raptorflow.wsgi (sync workers, as in production) against the test database."""

    def __init__(self, log_path: Path, env: dict[str, str], *, workers: int = 2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.log_path = log_path
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "raptorflow.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--worker-class", "sync", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_for(self._answers, timeout=60, message=f"gunicorn on port {self.port}:\n{self.log()}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return self.proc.poll() is not None  # died: stop waiting, the caller's request will fail loudly

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]
