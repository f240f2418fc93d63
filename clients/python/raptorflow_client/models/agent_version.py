from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.version_status_enum import VersionStatusEnum
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="AgentVersion")



@_attrs_define
class AgentVersion:
    """ 
        Attributes:
            agent (str):
            number (int):
            status (VersionStatusEnum): * `draft` - Draft
                * `published` - Published
            skills (list[str]):
            created_at (datetime.datetime):
            published_at (datetime.datetime | None):
            published_by (None | str): Null for drafts and synced versions.
            system_prompt (str | Unset):
            model_chain (Any | Unset): Providers tried in order: [{"provider": "<provider name>", "model": "<model>"}, …].
            temperature (float | Unset):
            max_tokens (int | Unset):
            cache_responses (bool | Unset): Reuse identical LLM answers (only for deterministic calls, temperature 0).
            input_schema (Any | Unset):
            output_schema (Any | Unset):
            routing_examples (Any | Unset):
            run_budget (str | Unset): USD a single run may spend.
            timeout_seconds (int | Unset):
            requires_approval (bool | Unset): Hold the output for a person to approve.
            model_tools (list[str] | Unset): Skills (by slug) and tools (by name) the model may call itself, e.g.
                ["finance.unit_economics", "text.stats"]; a tool must declare an input schema. Empty: the model calls none. A
                call of a sensitive one waits for a person's approval.
            max_tool_iterations (int | Unset): How many model turns a tool loop may take (each turn may call several tools)
                before the run fails with tool_loop_limit.
            stream (bool | Unset): Stream the model's text into the run's events (delta events) as it comes, instead of all
                at once when the call ends.
            notes (str | Unset): What changed in this version.
     """

    agent: str
    number: int
    status: VersionStatusEnum
    skills: list[str]
    created_at: datetime.datetime
    published_at: datetime.datetime | None
    published_by: None | str
    system_prompt: str | Unset = UNSET
    model_chain: Any | Unset = UNSET
    temperature: float | Unset = UNSET
    max_tokens: int | Unset = UNSET
    cache_responses: bool | Unset = UNSET
    input_schema: Any | Unset = UNSET
    output_schema: Any | Unset = UNSET
    routing_examples: Any | Unset = UNSET
    run_budget: str | Unset = UNSET
    timeout_seconds: int | Unset = UNSET
    requires_approval: bool | Unset = UNSET
    model_tools: list[str] | Unset = UNSET
    max_tool_iterations: int | Unset = UNSET
    stream: bool | Unset = UNSET
    notes: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent = self.agent

        number = self.number

        status = self.status.value

        skills = self.skills



        created_at = self.created_at.isoformat()

        published_at: None | str
        if isinstance(self.published_at, datetime.datetime):
            published_at = self.published_at.isoformat()
        else:
            published_at = self.published_at

        published_by: None | str
        published_by = self.published_by

        system_prompt = self.system_prompt

        model_chain = self.model_chain

        temperature = self.temperature

        max_tokens = self.max_tokens

        cache_responses = self.cache_responses

        input_schema = self.input_schema

        output_schema = self.output_schema

        routing_examples = self.routing_examples

        run_budget = self.run_budget

        timeout_seconds = self.timeout_seconds

        requires_approval = self.requires_approval

        model_tools: list[str] | Unset = UNSET
        if not isinstance(self.model_tools, Unset):
            model_tools = self.model_tools



        max_tool_iterations = self.max_tool_iterations

        stream = self.stream

        notes = self.notes


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent": agent,
            "number": number,
            "status": status,
            "skills": skills,
            "created_at": created_at,
            "published_at": published_at,
            "published_by": published_by,
        })
        if system_prompt is not UNSET:
            field_dict["system_prompt"] = system_prompt
        if model_chain is not UNSET:
            field_dict["model_chain"] = model_chain
        if temperature is not UNSET:
            field_dict["temperature"] = temperature
        if max_tokens is not UNSET:
            field_dict["max_tokens"] = max_tokens
        if cache_responses is not UNSET:
            field_dict["cache_responses"] = cache_responses
        if input_schema is not UNSET:
            field_dict["input_schema"] = input_schema
        if output_schema is not UNSET:
            field_dict["output_schema"] = output_schema
        if routing_examples is not UNSET:
            field_dict["routing_examples"] = routing_examples
        if run_budget is not UNSET:
            field_dict["run_budget"] = run_budget
        if timeout_seconds is not UNSET:
            field_dict["timeout_seconds"] = timeout_seconds
        if requires_approval is not UNSET:
            field_dict["requires_approval"] = requires_approval
        if model_tools is not UNSET:
            field_dict["model_tools"] = model_tools
        if max_tool_iterations is not UNSET:
            field_dict["max_tool_iterations"] = max_tool_iterations
        if stream is not UNSET:
            field_dict["stream"] = stream
        if notes is not UNSET:
            field_dict["notes"] = notes

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent = d.pop("agent")

        number = d.pop("number")

        status = VersionStatusEnum(d.pop("status"))




        skills = cast(list[str], d.pop("skills"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_published_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                published_at_type_0 = datetime.datetime.fromisoformat(data)



                return published_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        published_at = _parse_published_at(d.pop("published_at"))


        def _parse_published_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        published_by = _parse_published_by(d.pop("published_by"))


        system_prompt = d.pop("system_prompt", UNSET)

        model_chain = d.pop("model_chain", UNSET)

        temperature = d.pop("temperature", UNSET)

        max_tokens = d.pop("max_tokens", UNSET)

        cache_responses = d.pop("cache_responses", UNSET)

        input_schema = d.pop("input_schema", UNSET)

        output_schema = d.pop("output_schema", UNSET)

        routing_examples = d.pop("routing_examples", UNSET)

        run_budget = d.pop("run_budget", UNSET)

        timeout_seconds = d.pop("timeout_seconds", UNSET)

        requires_approval = d.pop("requires_approval", UNSET)

        model_tools = cast(list[str], d.pop("model_tools", UNSET))


        max_tool_iterations = d.pop("max_tool_iterations", UNSET)

        stream = d.pop("stream", UNSET)

        notes = d.pop("notes", UNSET)

        agent_version = cls(
            agent=agent,
            number=number,
            status=status,
            skills=skills,
            created_at=created_at,
            published_at=published_at,
            published_by=published_by,
            system_prompt=system_prompt,
            model_chain=model_chain,
            temperature=temperature,
            max_tokens=max_tokens,
            cache_responses=cache_responses,
            input_schema=input_schema,
            output_schema=output_schema,
            routing_examples=routing_examples,
            run_budget=run_budget,
            timeout_seconds=timeout_seconds,
            requires_approval=requires_approval,
            model_tools=model_tools,
            max_tool_iterations=max_tool_iterations,
            stream=stream,
            notes=notes,
        )


        agent_version.additional_properties = d
        return agent_version

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
