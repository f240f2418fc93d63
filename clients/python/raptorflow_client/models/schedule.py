from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.missed_fire_policy_enum import MissedFirePolicyEnum
from ..models.target_kind_enum import TargetKindEnum
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.schedule_input import ScheduleInput





T = TypeVar("T", bound="Schedule")



@_attrs_define
class Schedule:
    """ 
        Attributes:
            id (int):
            name (str):
            input_ (ScheduleInput): The fixed input of every run; must match the agent's (or the pipeline's) input schema.
            cron (str): Five fields — minute hour day-of-month month day-of-week — evaluated in the workspace's time zone,
                e.g. `0 9 * * MON-FRI` (09:00 on weekdays) or `*/15 * * * *`.
            timezone (str): The workspace's zone.
            next_fire_at (datetime.datetime | None): The next fire time (UTC); empty while paused.
            next_fire_times (list[datetime.datetime]): The next 5 fire times, in the workspace's time zone; empty while
                paused.
            last_fired_at (datetime.datetime | None): The fire time of the last firing (its nominal time).
            last_run (None | UUID):
            last_pipeline_run (None | UUID):
            last_error (str): Why the last firing started nothing (empty if it did).
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            target_kind (TargetKindEnum | Unset): * `agent` - Agent
                * `pipeline` - Pipeline Default: TargetKindEnum.AGENT.
            agent (None | str | Unset): The agent's slug (target kind agent).
            pipeline (None | str | Unset): The pipeline's slug, the workspace's own or the platform's (target kind
                pipeline).
            paused (bool | Unset): Create it paused; afterwards use …/pause and …/resume.
            missed_fire_policy (MissedFirePolicyEnum | Unset): * `skip` - Skip missed fire times
                * `run_once` - Run once for all missed fire times Default: MissedFirePolicyEnum.SKIP.
     """

    id: int
    name: str
    input_: ScheduleInput
    cron: str
    timezone: str
    next_fire_at: datetime.datetime | None
    next_fire_times: list[datetime.datetime]
    last_fired_at: datetime.datetime | None
    last_run: None | UUID
    last_pipeline_run: None | UUID
    last_error: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    target_kind: TargetKindEnum | Unset = TargetKindEnum.AGENT
    agent: None | str | Unset = UNSET
    pipeline: None | str | Unset = UNSET
    paused: bool | Unset = UNSET
    missed_fire_policy: MissedFirePolicyEnum | Unset = MissedFirePolicyEnum.SKIP
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.schedule_input import ScheduleInput # noqa: PLC0415
        id = self.id

        name = self.name

        input_ = self.input_.to_dict()

        cron = self.cron

        timezone = self.timezone

        next_fire_at: None | str
        if isinstance(self.next_fire_at, datetime.datetime):
            next_fire_at = self.next_fire_at.isoformat()
        else:
            next_fire_at = self.next_fire_at

        next_fire_times = []
        for next_fire_times_item_data in self.next_fire_times:
            next_fire_times_item = next_fire_times_item_data.isoformat()
            next_fire_times.append(next_fire_times_item)



        last_fired_at: None | str
        if isinstance(self.last_fired_at, datetime.datetime):
            last_fired_at = self.last_fired_at.isoformat()
        else:
            last_fired_at = self.last_fired_at

        last_run: None | str
        if isinstance(self.last_run, UUID):
            last_run = str(self.last_run)
        else:
            last_run = self.last_run

        last_pipeline_run: None | str
        if isinstance(self.last_pipeline_run, UUID):
            last_pipeline_run = str(self.last_pipeline_run)
        else:
            last_pipeline_run = self.last_pipeline_run

        last_error = self.last_error

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        target_kind: str | Unset = UNSET
        if not isinstance(self.target_kind, Unset):
            target_kind = self.target_kind.value


        agent: None | str | Unset
        if isinstance(self.agent, Unset):
            agent = UNSET
        else:
            agent = self.agent

        pipeline: None | str | Unset
        if isinstance(self.pipeline, Unset):
            pipeline = UNSET
        else:
            pipeline = self.pipeline

        paused = self.paused

        missed_fire_policy: str | Unset = UNSET
        if not isinstance(self.missed_fire_policy, Unset):
            missed_fire_policy = self.missed_fire_policy.value



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "name": name,
            "input": input_,
            "cron": cron,
            "timezone": timezone,
            "next_fire_at": next_fire_at,
            "next_fire_times": next_fire_times,
            "last_fired_at": last_fired_at,
            "last_run": last_run,
            "last_pipeline_run": last_pipeline_run,
            "last_error": last_error,
            "created_at": created_at,
            "updated_at": updated_at,
        })
        if target_kind is not UNSET:
            field_dict["target_kind"] = target_kind
        if agent is not UNSET:
            field_dict["agent"] = agent
        if pipeline is not UNSET:
            field_dict["pipeline"] = pipeline
        if paused is not UNSET:
            field_dict["paused"] = paused
        if missed_fire_policy is not UNSET:
            field_dict["missed_fire_policy"] = missed_fire_policy

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schedule_input import ScheduleInput # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        input_ = ScheduleInput.from_dict(d.pop("input"))




        cron = d.pop("cron")

        timezone = d.pop("timezone")

        def _parse_next_fire_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_fire_at_type_0 = datetime.datetime.fromisoformat(data)



                return next_fire_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_fire_at = _parse_next_fire_at(d.pop("next_fire_at"))


        next_fire_times = []
        _next_fire_times = d.pop("next_fire_times")
        for next_fire_times_item_data in (_next_fire_times):
            next_fire_times_item = datetime.datetime.fromisoformat(next_fire_times_item_data)



            next_fire_times.append(next_fire_times_item)


        def _parse_last_fired_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_fired_at_type_0 = datetime.datetime.fromisoformat(data)



                return last_fired_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_fired_at = _parse_last_fired_at(d.pop("last_fired_at"))


        def _parse_last_run(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_run_type_0 = UUID(data)



                return last_run_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        last_run = _parse_last_run(d.pop("last_run"))


        def _parse_last_pipeline_run(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_pipeline_run_type_0 = UUID(data)



                return last_pipeline_run_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        last_pipeline_run = _parse_last_pipeline_run(d.pop("last_pipeline_run"))


        last_error = d.pop("last_error")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        _target_kind = d.pop("target_kind", UNSET)
        target_kind: TargetKindEnum | Unset
        if isinstance(_target_kind,  Unset):
            target_kind = UNSET
        else:
            target_kind = TargetKindEnum(_target_kind)




        def _parse_agent(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agent = _parse_agent(d.pop("agent", UNSET))


        def _parse_pipeline(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pipeline = _parse_pipeline(d.pop("pipeline", UNSET))


        paused = d.pop("paused", UNSET)

        _missed_fire_policy = d.pop("missed_fire_policy", UNSET)
        missed_fire_policy: MissedFirePolicyEnum | Unset
        if isinstance(_missed_fire_policy,  Unset):
            missed_fire_policy = UNSET
        else:
            missed_fire_policy = MissedFirePolicyEnum(_missed_fire_policy)




        schedule = cls(
            id=id,
            name=name,
            input_=input_,
            cron=cron,
            timezone=timezone,
            next_fire_at=next_fire_at,
            next_fire_times=next_fire_times,
            last_fired_at=last_fired_at,
            last_run=last_run,
            last_pipeline_run=last_pipeline_run,
            last_error=last_error,
            created_at=created_at,
            updated_at=updated_at,
            target_kind=target_kind,
            agent=agent,
            pipeline=pipeline,
            paused=paused,
            missed_fire_policy=missed_fire_policy,
        )


        schedule.additional_properties = d
        return schedule

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
