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

if TYPE_CHECKING:
  from ..models.schedule_request_input import ScheduleRequestInput





T = TypeVar("T", bound="ScheduleRequest")



@_attrs_define
class ScheduleRequest:
    """ 
        Attributes:
            name (str):
            input_ (ScheduleRequestInput): The fixed input of every run; must match the agent's (or the pipeline's) input
                schema.
            cron (str): Five fields — minute hour day-of-month month day-of-week — evaluated in the workspace's time zone,
                e.g. `0 9 * * MON-FRI` (09:00 on weekdays) or `*/15 * * * *`.
            target_kind (TargetKindEnum | Unset): * `agent` - Agent
                * `pipeline` - Pipeline Default: TargetKindEnum.AGENT.
            agent (None | str | Unset): The agent's slug (target kind agent).
            pipeline (None | str | Unset): The pipeline's slug, the workspace's own or the platform's (target kind
                pipeline).
            paused (bool | Unset): Create it paused; afterwards use …/pause and …/resume.
            missed_fire_policy (MissedFirePolicyEnum | Unset): * `skip` - Skip missed fire times
                * `run_once` - Run once for all missed fire times Default: MissedFirePolicyEnum.SKIP.
     """

    name: str
    input_: ScheduleRequestInput
    cron: str
    target_kind: TargetKindEnum | Unset = TargetKindEnum.AGENT
    agent: None | str | Unset = UNSET
    pipeline: None | str | Unset = UNSET
    paused: bool | Unset = UNSET
    missed_fire_policy: MissedFirePolicyEnum | Unset = MissedFirePolicyEnum.SKIP
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.schedule_request_input import ScheduleRequestInput # noqa: PLC0415
        name = self.name

        input_ = self.input_.to_dict()

        cron = self.cron

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
            "name": name,
            "input": input_,
            "cron": cron,
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
        from ..models.schedule_request_input import ScheduleRequestInput # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        input_ = ScheduleRequestInput.from_dict(d.pop("input"))




        cron = d.pop("cron")

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




        schedule_request = cls(
            name=name,
            input_=input_,
            cron=cron,
            target_kind=target_kind,
            agent=agent,
            pipeline=pipeline,
            paused=paused,
            missed_fire_policy=missed_fire_policy,
        )


        schedule_request.additional_properties = d
        return schedule_request

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
