"""Benchmark the model adapters (httpx) against the official SDKs: import time, per-call overhead, cancel.

    .venv/bin/python bench/llm_adapters.py [--calls 200] [--rounds 5] [--trials 5] [--out FILE]

Everything runs on this machine and is compared within one run (the machine is shared: absolute numbers
drift, ratios measured side by side hold). A fake provider runs in a child process and answers with bodies
built by the SDKs' own types; the clients run in this process, interleaved round by round:

* import: a fresh interpreter per measurement, after the imports every worker has anyway (Django's ORM,
  Celery, the ``raptorflow`` package), timing ``import raptorflow.llm.adapters`` against ``import openai``
  and ``import anthropic``; the median of ``--trials`` interpreters.
* per call: ``--rounds`` rounds of ``--calls`` non-streamed calls per client (keep-alive connections, the
  SDKs with ``max_retries=0``), and streams of 100 chunks; wall time and this process's CPU time per call
  (the server's work is in the other process, so CPU time is the client's own overhead).
* cancel: a stream that sends a token every 0.5 s is cancelled from another thread 100 ms after its second
  token; the time until the calling thread has control again. Ours: ``CancelToken.cancel()``. The SDKs have
  no cancel: the nearest is closing the stream (``Stream.close()``) from the other thread. Then the same for a
  non-streamed call whose answer takes 3 s (SDK: ``client.close()`` from the other thread).

Decision 0014 (docs/decisions/0014-model-layer-v2.md) records the numbers and the choice.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DRIP_SECONDS = 0.5
SLOW_SECONDS = 3.0
STREAM_CHUNKS = 100
PROMPT = [{"role": "user", "content": "Plan a launch for Acme analytics."}]


# --- the fake provider (child process) -------------------------------------------------------------


def _bodies() -> dict[str, bytes]:
    """Canned answers, built and serialised by the SDKs' own types."""
    from anthropic.types import Message as AnthropicMessage
    from anthropic.types import TextBlock
    from anthropic.types import Usage as AnthropicUsage
    from openai.types import CompletionUsage
    from openai.types.chat import ChatCompletion, ChatCompletionMessage
    from openai.types.chat.chat_completion import Choice

    text = "Launch with a webinar."
    message = ChatCompletionMessage(role="assistant", content=text)
    openai_answer = ChatCompletion(
        id="chatcmpl-1",
        object="chat.completion",
        created=1,
        model="gpt-bench",
        choices=[Choice(index=0, finish_reason="stop", message=message)],
        usage=CompletionUsage(prompt_tokens=12, completion_tokens=6, total_tokens=18),
    )
    anthropic_answer = AnthropicMessage(
        id="msg_1",
        type="message",
        role="assistant",
        model="claude-bench",
        content=[TextBlock(type="text", text=text)],
        stop_reason="end_turn",
        usage=AnthropicUsage(input_tokens=12, output_tokens=6),
    )
    return {
        "openai": openai_answer.model_dump_json().encode(),
        "anthropic": anthropic_answer.model_dump_json().encode(),
    }


def _events(kind: str, tokens: int) -> list[bytes]:
    """The SSE events of a streamed answer of ``tokens`` one-word pieces, in each protocol's shape."""
    events = _openai_events(tokens) if kind == "openai" else _anthropic_events(tokens)
    return [(f"event: {name}\n" if name else "").encode() + f"data: {data}\n\n".encode() for name, data in events]


def _openai_events(tokens: int) -> list[tuple[str, str]]:
    head = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    chunks = [{**head, "choices": [{"index": 0, "delta": {"content": f"tok{n} "}}]} for n in range(tokens)]
    chunks.append({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    usage = {"prompt_tokens": 12, "completion_tokens": tokens, "total_tokens": tokens + 12}
    chunks.append({**head, "choices": [], "usage": usage})
    return [("", json.dumps(chunk)) for chunk in chunks] + [("", "[DONE]")]


def _anthropic_events(tokens: int) -> list[tuple[str, str]]:
    message = {"id": "m", "type": "message", "role": "assistant", "model": "m", "content": [], "stop_reason": None}
    message |= {"stop_sequence": None, "usage": {"input_tokens": 12, "output_tokens": 1}}
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": message},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    ]
    delta = {"type": "content_block_delta", "index": 0}
    events += [{**delta, "delta": {"type": "text_delta", "text": f"tok{n} "}} for n in range(tokens)]
    events += [
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": tokens}},
        {"type": "message_stop"},
    ]
    return [(event["type"], json.dumps(event)) for event in events]


class FakeProvider(http.server.BaseHTTPRequestHandler):
    """Paths ``/{fast,slow,stream,drip}/{openai,anthropic}/...``: an answer at once or after SLOW_SECONDS, a
    stream of STREAM_CHUNKS chunks at once, or of 20 tokens one every DRIP_SECONDS."""

    protocol_version = "HTTP/1.1"
    bodies: dict[str, bytes] = {}

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the client's
        # delayed ACK add 40 ms to every answer and hide the clients' own costs.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        mode, kind = self.path.split("/")[1:3]
        if mode == "slow":
            time.sleep(SLOW_SECONDS)
        if mode in ("fast", "slow"):
            self._send(self.bodies[kind])
        else:
            self._stream(_events(kind, STREAM_CHUNKS if mode == "stream" else 20), mode == "drip")

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (the cancel measurements)
            self.wfile.write(body)

    def _stream(self, events: list[bytes], drip: bool) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        with contextlib.suppress(OSError):  # the client went away: that is what the cancel measurements do
            for number, event in enumerate(events):
                if drip and number > 2:
                    time.sleep(DRIP_SECONDS)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a cancelled client hangs up mid-answer: expected here, not worth a traceback


def serve() -> None:
    """Run the fake provider until stdin closes; print its port first."""
    FakeProvider.bodies = _bodies()
    server = _QuietServer(("127.0.0.1", 0), FakeProvider)
    print(server.server_port, flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # until the parent closes our stdin


# --- clients ----------------------------------------------------------------------------------------


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raptorflow.settings")
    import django

    django.setup()
    for name in ("httpx", "httpx2"):  # one INFO line per request would drown the report
        logging.getLogger(name).setLevel(logging.WARNING)


class Clients:
    """One call function per client, all against the fake provider at ``base``."""

    def __init__(self, base: str) -> None:
        import anthropic
        import openai

        from raptorflow.llm.models import Provider

        self.base = base
        self.providers = {
            kind: {
                mode: Provider(name=f"bench-{kind}-{mode}", kind=kind, base_url=url, timeout_seconds=30)
                for mode, url in self._urls(kind).items()
            }
            for kind in ("openai_compatible", "anthropic")
        }
        modes = ("fast", "stream", "drip")
        self.openai = {
            m: openai.OpenAI(base_url=f"{base}/{m}/openai/v1", api_key="bench", max_retries=0) for m in modes
        }
        self.anthropic = {
            m: anthropic.Anthropic(base_url=f"{base}/{m}/anthropic", api_key="bench", max_retries=0) for m in modes
        }

    def _urls(self, kind: str) -> dict[str, str]:
        wire = "openai" if kind == "openai_compatible" else "anthropic"
        suffix = "/v1" if wire == "openai" else ""
        return {mode: f"{self.base}/{mode}/{wire}{suffix}" for mode in ("fast", "stream", "drip", "slow")}

    def fresh_sdk(self, name: str) -> Any:
        """A new SDK client for the slow answer (its own connection pool)."""
        import anthropic
        import openai

        if name == "openai":
            return openai.OpenAI(base_url=f"{self.base}/slow/openai/v1", api_key="bench", max_retries=0)
        return anthropic.Anthropic(base_url=f"{self.base}/slow/anthropic", api_key="bench", max_retries=0)

    def ours(self, kind: str, mode: str, **kwargs: Any) -> Any:
        from raptorflow.llm.adapters import ADAPTERS
        from raptorflow.llm.types import CompletionRequest, Message

        request = CompletionRequest((Message("user", PROMPT[0]["content"]),), "bench-model", max_tokens=64, **kwargs)
        return ADAPTERS[kind](self.providers[kind][mode], request)

    def raw_httpx(self) -> Any:
        """The floor: one POST and a JSON parse on a plain httpx client, nothing else."""
        response = _plain_httpx().post(
            f"{self.base}/fast/openai/v1/chat/completions", json={"model": "m", "messages": PROMPT}
        )
        return response.json()

    def sdk_openai(self, mode: str = "fast", **kwargs: Any) -> Any:
        return self.openai[mode].chat.completions.create(model="bench-model", messages=PROMPT, max_tokens=64, **kwargs)

    def sdk_anthropic(self, mode: str = "fast", **kwargs: Any) -> Any:
        return self.anthropic[mode].messages.create(model="bench-model", messages=PROMPT, max_tokens=64, **kwargs)


_httpx_client: Any = None


def _plain_httpx() -> Any:
    global _httpx_client
    if _httpx_client is None:
        import httpx

        _httpx_client = httpx.Client()
    return _httpx_client


# --- measurements -----------------------------------------------------------------------------------


IMPORTS = {
    "adapters (httpx)": "raptorflow.llm.adapters",
    "openai SDK": "openai",
    "anthropic SDK": "anthropic",
    "both SDKs": "openai, anthropic",
}


def measure_imports(trials: int) -> dict[str, float]:
    """Median ms to import each, in fresh interpreters that already have what every worker has."""
    code = (
        "import sys, time; sys.path.insert(0, {root!r}); import django.db.models, celery, raptorflow\n"
        "t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"
    )
    samples: dict[str, list[float]] = {label: [] for label in IMPORTS}
    for _ in range(trials):
        for label, module in IMPORTS.items():
            command = [sys.executable, "-c", code.format(root=str(ROOT), module=module)]
            out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
            samples[label].append(float(out.stdout.strip().splitlines()[-1]))
    return {label: statistics.median(values) for label, values in samples.items()}


def _per_call(fn: Callable[[], Any], calls: int) -> tuple[float, float]:
    """(wall µs, this process's CPU µs) per call over ``calls`` calls."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - wall) / calls * 1e6, (time.process_time() - cpu) / calls * 1e6


def measure_calls(clients: Clients, calls: int, rounds: int) -> dict[str, dict[str, float]]:
    """Median over rounds of per-call wall and CPU µs; the clients take turns within each round."""
    streams = max(calls // 10, 5)
    cases: dict[str, tuple[Callable[[], Any], int]] = {
        "httpx POST + json (floor)": (clients.raw_httpx, calls),
        "ours, openai_compatible": (lambda: clients.ours("openai_compatible", "fast"), calls),
        "openai SDK": (clients.sdk_openai, calls),
        "ours, anthropic": (lambda: clients.ours("anthropic", "fast"), calls),
        "anthropic SDK": (clients.sdk_anthropic, calls),
        "ours, openai stream": (lambda: clients.ours("openai_compatible", "stream", stream=True), streams),
        "openai SDK stream": (lambda: list(clients.sdk_openai("stream", stream=True)), streams),
        "ours, anthropic stream": (lambda: clients.ours("anthropic", "stream", stream=True), streams),
        "anthropic SDK stream": (lambda: list(clients.sdk_anthropic("stream", stream=True)), streams),
    }
    for fn, _ in cases.values():  # warm up: connections, lazy imports, pydantic schemas
        for _ in range(5):
            fn()
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label in cases}
    for _ in range(rounds):
        for label, (fn, count) in cases.items():
            samples[label].append(_per_call(fn, count))
    return {
        label: {"wall_us": statistics.median(w for w, _ in values), "cpu_us": statistics.median(c for _, c in values)}
        for label, values in samples.items()
    }


def _time_to_control(run: Callable[[], Any], ready: Callable[[], bool], cancel: Callable[[], None]) -> float:
    """Call ``run()`` in this thread; another thread calls ``cancel()`` 100 ms after ``ready()`` holds.
    Returns the seconds from the cancel to ``run`` returning (whatever it raised)."""
    cancelled_at: list[float] = []

    def watch() -> None:
        while not ready():
            time.sleep(0.005)
        time.sleep(0.1)
        cancelled_at.append(time.monotonic())
        cancel()

    threading.Thread(target=watch, daemon=True).start()
    with contextlib.suppress(Exception):  # a cancelled call may end in any error; only the time counts here
        run()
    return time.monotonic() - cancelled_at[0] if cancelled_at else float("nan")


def measure_cancel(clients: Clients, trials: int) -> dict[str, float]:
    """Median seconds from cancel to control, streamed (after two tokens) and waiting for a slow answer."""
    results: dict[str, list[float]] = {}
    for _ in range(trials):
        for kind in ("openai_compatible", "anthropic"):
            for label, seconds in _cancel_trials(clients, kind).items():
                results.setdefault(label, []).append(seconds)
    return {label: statistics.median(values) for label, values in results.items()}


def _cancel_trials(clients: Clients, kind: str) -> dict[str, float]:
    name = "openai" if kind == "openai_compatible" else "anthropic"
    sdk = clients.sdk_openai if name == "openai" else clients.sdk_anthropic
    return {
        f"ours, {name} stream": _cancel_ours(clients, kind, "drip"),
        f"{name} SDK stream (Stream.close)": _cancel_sdk_stream(sdk),
        f"ours, {name} waiting": _cancel_ours(clients, kind, "slow"),
        f"{name} SDK waiting (client.close)": _cancel_sdk_slow(clients, name),
    }


def _cancel_ours(clients: Clients, kind: str, mode: str) -> float:
    from raptorflow.llm.types import CancelToken

    token, seen, started = CancelToken(), list[str](), time.monotonic()
    streamed = mode == "drip"

    def ready() -> bool:
        return len(seen) >= 2 if streamed else time.monotonic() - started > 0.4

    run = lambda: clients.ours(kind, mode, stream=streamed, cancel=token, on_delta=seen.append)  # noqa: E731
    return _time_to_control(run, ready, token.cancel)


def _cancel_sdk_stream(sdk: Callable[..., Any]) -> float:
    streams: list[Any] = []
    events: list[Any] = []

    def run() -> None:
        streams.append(sdk("drip", stream=True))
        for event in streams[0]:
            events.append(event)

    return _time_to_control(run, lambda: len(events) >= 4, lambda: streams[0].close())


def _cancel_sdk_slow(clients: Clients, name: str) -> float:
    client, started = clients.fresh_sdk(name), time.monotonic()  # closing it is the cancel: one per trial
    call = client.chat.completions.create if name == "openai" else client.messages.create
    run = lambda: call(model="bench-model", messages=PROMPT, max_tokens=64)  # noqa: E731
    return _time_to_control(run, lambda: time.monotonic() - started > 0.4, client.close)


# --- report -----------------------------------------------------------------------------------------


def _print_report(imports: dict[str, float], calls: dict[str, dict[str, float]], cancel: dict[str, float]) -> None:
    base = imports["adapters (httpx)"]
    print("\nImport (ms, after Django + Celery + raptorflow; median of fresh interpreters)")
    for label, ms in imports.items():
        print(f"  {label:<28} {ms:8.1f}   ×{ms / base:.1f}")
    print(f"\nPer call against the local fake provider (µs per call; a stream has {STREAM_CHUNKS} chunks)")
    print(f"  {'client':<34} {'wall':>9} {'CPU':>9}")
    for label, row in calls.items():
        print(f"  {label:<34} {row['wall_us']:9.0f} {row['cpu_us']:9.0f}")
    for ours, sdk in _pairs(calls):
        wall = calls[sdk]["wall_us"] / calls[ours]["wall_us"]
        cpu = calls[sdk]["cpu_us"] / calls[ours]["cpu_us"]
        print(f"  ratio {sdk} / {ours}: wall ×{wall:.2f}, CPU ×{cpu:.2f}")
    print(f"\nCancel: seconds from cancel to control (token every {DRIP_SECONDS} s; slow answer {SLOW_SECONDS} s)")
    for label, seconds in cancel.items():
        print(f"  {label:<40} {seconds:6.3f}")


def _pairs(calls: dict[str, dict[str, float]]) -> list[tuple[str, str]]:
    labels = list(calls)
    return [(labels[i], labels[i + 1]) for i in range(1, len(labels) - 1, 2)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="non-streamed calls per client per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--trials", type=int, default=5, help="fresh interpreters per import; cancel trials")
    parser.add_argument("--out", type=Path, help="also write the numbers as JSON")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return 0
    imports = measure_imports(args.trials)
    _setup_django()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        clients = Clients(f"http://127.0.0.1:{server.stdout.readline().strip()}")
        calls = measure_calls(clients, args.calls, args.rounds)
        cancel = measure_cancel(clients, args.trials)
    finally:
        server.kill()
        server.wait()
    _print_report(imports, calls, cancel)
    if args.out:
        args.out.write_text(json.dumps({"imports_ms": imports, "calls": calls, "cancel_s": cancel}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
