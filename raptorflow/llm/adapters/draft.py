"""What a call has received so far, in a form both protocols fill: text, tool calls, usage, finish reason.

A non-streamed answer fills a draft in one go; a stream fills it event by event. The draft then becomes the
``Completion``, or, when the call is cancelled, the partial one that ``CallCancelled`` carries, so that the
tokens already generated are charged.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..types import CHARS_PER_TOKEN, Completion, CompletionRequest, FinishReason, ToolCall, Usage, estimate_tokens

if TYPE_CHECKING:
    from ..models import Provider


def json_object(text: str) -> dict[str, Any] | None:
    """``text`` parsed as a JSON object, or None: a model's JSON that is not an object is not coerced."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@dataclass(slots=True)
class ToolDraft:
    """One tool call as it arrives: the arguments come as JSON text, in fragments when streamed."""

    id: str = ""
    name: str = ""
    fragments: list[str] = field(default_factory=list)
    arguments: dict[str, Any] | None = None  # already an object (Anthropic's non-streamed ``input``)

    def to_call(self) -> ToolCall:
        """Arguments that are not a JSON object become ``{}``, with the text in ``raw_arguments``."""
        if self.arguments is not None:
            return ToolCall(self.id, self.name, self.arguments)
        raw = "".join(self.fragments)
        parsed = json_object(raw or "{}")
        return ToolCall(self.id, self.name, parsed) if parsed is not None else ToolCall(self.id, self.name, {}, raw)


@dataclass(slots=True)
class Draft:
    """The text, tool calls (by the provider's index), usage and finish reason received so far.

    Usage is kept as reported, already normalised (input includes cached input and cache writes); a count the
    provider has not reported yet is None and is estimated if it never comes.
    """

    request: CompletionRequest
    text: list[str] = field(default_factory=list)
    tools: dict[int, ToolDraft] = field(default_factory=dict)
    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0
    finish_reason: FinishReason | None = None

    def add_text(self, piece: str) -> None:
        """Append a piece of the answer and hand it to the request's ``on_delta``, in arrival order."""
        if piece:
            self.text.append(piece)
            if self.request.on_delta is not None:
                self.request.on_delta(piece)

    def tool(self, index: int) -> ToolDraft:
        return self.tools.setdefault(index, ToolDraft())

    def completion(self, provider: Provider, latency_ms: int, *, output_tool: str = "") -> Completion:
        """The final completion. ``output_tool`` names the forced tool whose arguments are the structured
        answer (Anthropic): it becomes ``parsed`` and is not reported as a tool call."""
        calls = [self.tools[index].to_call() for index in sorted(self.tools)]
        text = "".join(self.text)
        parsed = self._parsed(text, calls, output_tool)
        calls = [call for call in calls if not output_tool or call.name != output_tool]
        finish = self.finish_reason or "stop"
        if finish == "tool_calls" and not calls:
            finish = "stop"  # the only tool used was the output tool: for the caller, the answer is complete
        return Completion(
            text,
            self.usage(),
            self.request.model,
            provider.name,
            latency_ms,
            tool_calls=tuple(calls),
            parsed=parsed,
            finish_reason=finish,
        )

    def partial(self, provider: Provider, latency_ms: int) -> Completion:
        """What had arrived when the call was cancelled: text so far, usage reported or estimated."""
        return Completion(
            "".join(self.text), self.usage(), self.request.model, provider.name, latency_ms, finish_reason="cancelled"
        )

    def usage(self) -> Usage:
        """The reported usage, estimating what was not reported: the prompt for input (it was sent whole), the
        text and tool arguments received for output (at least; a cancelled stream may have reported less)."""
        received = "".join(self.text) + "".join("".join(tool.fragments) for tool in self.tools.values())
        estimated_output = estimate_tokens(received)
        input_tokens = self.input_tokens if self.input_tokens is not None else prompt_tokens(self.request)
        output_tokens = max(self.output_tokens or 0, estimated_output)
        if self.output_tokens is not None and self.finish_reason is not None:
            output_tokens = self.output_tokens  # the call finished: the provider's count is the count
        return Usage(input_tokens, output_tokens, self.cached_input_tokens, self.cache_write_tokens)

    def _parsed(self, text: str, calls: list[ToolCall], output_tool: str) -> dict[str, Any] | None:
        if self.request.output is None:
            return None
        if output_tool:
            answer = next((call for call in calls if call.name == output_tool), None)
            return dict(answer.arguments) if answer is not None and not answer.raw_arguments else None
        return json_object(text)


def prompt_tokens(request: CompletionRequest) -> int:
    """Estimated input tokens: the messages, tool calls and tool definitions, at four characters a token."""
    return math.ceil(request.input_chars / CHARS_PER_TOKEN)


def unsent(provider: Provider, request: CompletionRequest) -> Completion:
    """The partial completion of a call cancelled before it was sent: nothing asked, nothing charged."""
    return Completion("", Usage(0, 0), request.model, provider.name, 0, finish_reason="cancelled")
