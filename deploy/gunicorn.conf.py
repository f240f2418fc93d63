"""Gunicorn settings for the WSGI app: gunicorn -c deploy/gunicorn.conf.py raptorflow.wsgi:application

Threaded (gthread) workers, which keep connections alive between requests: measured against sync workers (a
connection closed after every response) and granian in decision 0031. WSGI on purpose: for this app it measured
~6x faster than ASGI workers; only the server-sent events stream runs under ASGI, in its own uvicorn process.
Any value here can still be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import os


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # CPUs this process may run on (respects cpusets)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# All interfaces, because inside a container that is the only way to be reachable.
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# WEB_CONCURRENCY wins; otherwise the classic 2 * cores + 1, capped so a big host does not
# open dozens of database connections per container.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * _cpus() + 1, 8))
# gthread: each worker serves GUNICORN_THREADS requests at once and keeps idle connections open for `keepalive`
# seconds (a proxy or client reuses them: no TCP handshake per request). Each thread holds its own database
# connection (DB_CONN_MAX_AGE), so a process opens up to `threads` of them. GUNICORN_WORKER_CLASS=sync goes back.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 5

# A request taking longer than 30 s is killed; on SIGTERM, workers get 30 s to finish.
timeout = 30
graceful_timeout = 30

# Recycle workers now and then to bound memory growth; jitter avoids all restarting at once.
max_requests = 2000
max_requests_jitter = 200

accesslog = "-"  # stdout
errorlog = "-"  # stderr

# Addresses whose X-Forwarded-* headers gunicorn trusts (set to the TLS proxy's address).
# Django's own https detection uses SECURE_PROXY_SSL_HEADER, not this.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The worker heartbeat file goes to RAM: on a container's overlay filesystem it can block workers.
# (gunicorn creates it with mkstemp, so a shared directory is fine.)
_shm = "/dev/shm"  # noqa: S108
if os.path.isdir(_shm):
    worker_tmp_dir = _shm

# No gunicornc control socket: nothing in the container uses it.
control_socket_disable = True


# Prometheus multiprocess mode (raptorflow/metrics.py): with PROMETHEUS_MULTIPROC_DIR set, each worker
# writes its samples to files there and /metrics merges them. The directory must be empty when the first
# process starts (docker-compose mounts a tmpfs); when a worker exits, its live gauges are dropped here.
def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
