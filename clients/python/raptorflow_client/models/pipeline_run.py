from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.pipeline_step import PipelineStep
  from ..models.pipeline_totals import PipelineTotals





T = TypeVar("T", bound="PipelineRun")



@_attrs_define
class PipelineRun:
    """ 
        Attributes:
            id (UUID):
            pipeline (str):
            pipeline_version (int):
            status (str):
            input_ (Any):
            error_code (str):
            error_message (str):
            budget (str):
            spent (str):
            reserved (str):
            idempotency_key (str):
            steps (list[PipelineStep]):
            totals (PipelineTotals):
            last_event_seq (int):
            created_at (datetime.datetime):
            finished_at (datetime.datetime | None):
     """

    id: UUID
    pipeline: str
    pipeline_version: int
    status: str
    input_: Any
    error_code: str
    error_message: str
    budget: str
    spent: str
    reserved: str
    idempotency_key: str
    steps: list[PipelineStep]
    totals: PipelineTotals
    last_event_seq: int
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.pipeline_step import PipelineStep # noqa: PLC0415
        from ..models.pipeline_totals import PipelineTotals # noqa: PLC0415
        id = str(self.id)

        pipeline = self.pipeline

        pipeline_version = self.pipeline_version

        status = self.status

        input_ = self.input_

        error_code = self.error_code

        error_message = self.error_message

        budget = self.budget

        spent = self.spent

        reserved = self.reserved

        idempotency_key = self.idempotency_key

        steps = []
        for steps_item_data in self.steps:
            steps_item = steps_item_data.to_dict()
            steps.append(steps_item)



        totals = self.totals.to_dict()

        last_event_seq = self.last_event_seq

        created_at = self.created_at.isoformat()

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "pipeline": pipeline,
            "pipeline_version": pipeline_version,
            "status": status,
            "input": input_,
            "error_code": error_code,
            "error_message": error_message,
            "budget": budget,
            "spent": spent,
            "reserved": reserved,
            "idempotency_key": idempotency_key,
            "steps": steps,
            "totals": totals,
            "last_event_seq": last_event_seq,
            "created_at": created_at,
            "finished_at": finished_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pipeline_step import PipelineStep # noqa: PLC0415
        from ..models.pipeline_totals import PipelineTotals # noqa: PLC0415
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        pipeline = d.pop("pipeline")

        pipeline_version = d.pop("pipeline_version")

        status = d.pop("status")

        input_ = d.pop("input")

        error_code = d.pop("error_code")

        error_message = d.pop("error_message")

        budget = d.pop("budget")

        spent = d.pop("spent")

        reserved = d.pop("reserved")

        idempotency_key = d.pop("idempotency_key")

        steps = []
        _steps = d.pop("steps")
        for steps_item_data in (_steps):
            steps_item = PipelineStep.from_dict(steps_item_data)



            steps.append(steps_item)


        totals = PipelineTotals.from_dict(d.pop("totals"))




        last_event_seq = d.pop("last_event_seq")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




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


        pipeline_run = cls(
            id=id,
            pipeline=pipeline,
            pipeline_version=pipeline_version,
            status=status,
            input_=input_,
            error_code=error_code,
            error_message=error_message,
            budget=budget,
            spent=spent,
            reserved=reserved,
            idempotency_key=idempotency_key,
            steps=steps,
            totals=totals,
            last_event_seq=last_event_seq,
            created_at=created_at,
            finished_at=finished_at,
        )


        pipeline_run.additional_properties = d
        return pipeline_run

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
