from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="PipelineStep")



@_attrs_define
class PipelineStep:
    """ 
        Attributes:
            key (str):
            agent (str):
            status (str):
            on_failure (str):
            run (None | UUID): The child run doing (or that did) the step's work.
            run_status (None | str):
            runs (list[UUID]): Every child run of the step, first first.
            revisions (int):
            error_code (str):
            error_message (str):
            cost (str): USD, every run of the step.
            tokens_in (int):
            tokens_out (int):
            duration_seconds (float | None): Working time of the step's runs (waits for people excluded).
            started_at (datetime.datetime | None):
            finished_at (datetime.datetime | None):
            output (Any | Unset): The step's output (detail only).
     """

    key: str
    agent: str
    status: str
    on_failure: str
    run: None | UUID
    run_status: None | str
    runs: list[UUID]
    revisions: int
    error_code: str
    error_message: str
    cost: str
    tokens_in: int
    tokens_out: int
    duration_seconds: float | None
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    output: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        key = self.key

        agent = self.agent

        status = self.status

        on_failure = self.on_failure

        run: None | str
        if isinstance(self.run, UUID):
            run = str(self.run)
        else:
            run = self.run

        run_status: None | str
        run_status = self.run_status

        runs = []
        for runs_item_data in self.runs:
            runs_item = str(runs_item_data)
            runs.append(runs_item)



        revisions = self.revisions

        error_code = self.error_code

        error_message = self.error_message

        cost = self.cost

        tokens_in = self.tokens_in

        tokens_out = self.tokens_out

        duration_seconds: float | None
        duration_seconds = self.duration_seconds

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        output = self.output


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "key": key,
            "agent": agent,
            "status": status,
            "on_failure": on_failure,
            "run": run,
            "run_status": run_status,
            "runs": runs,
            "revisions": revisions,
            "error_code": error_code,
            "error_message": error_message,
            "cost": cost,
            "tokens_in": tokens_in,
            "tokens_out": tokens_out,
            "duration_seconds": duration_seconds,
            "started_at": started_at,
            "finished_at": finished_at,
        })
        if output is not UNSET:
            field_dict["output"] = output

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        agent = d.pop("agent")

        status = d.pop("status")

        on_failure = d.pop("on_failure")

        def _parse_run(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                run_type_0 = UUID(data)



                return run_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        run = _parse_run(d.pop("run"))


        def _parse_run_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        run_status = _parse_run_status(d.pop("run_status"))


        runs = []
        _runs = d.pop("runs")
        for runs_item_data in (_runs):
            runs_item = UUID(runs_item_data)



            runs.append(runs_item)


        revisions = d.pop("revisions")

        error_code = d.pop("error_code")

        error_message = d.pop("error_message")

        cost = d.pop("cost")

        tokens_in = d.pop("tokens_in")

        tokens_out = d.pop("tokens_out")

        def _parse_duration_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        duration_seconds = _parse_duration_seconds(d.pop("duration_seconds"))


        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)



                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))


        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)



                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))


        output = d.pop("output", UNSET)

        pipeline_step = cls(
            key=key,
            agent=agent,
            status=status,
            on_failure=on_failure,
            run=run,
            run_status=run_status,
            runs=runs,
            revisions=revisions,
            error_code=error_code,
            error_message=error_message,
            cost=cost,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            duration_seconds=duration_seconds,
            started_at=started_at,
            finished_at=finished_at,
            output=output,
        )


        pipeline_step.additional_properties = d
        return pipeline_step

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
