from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.agent_cost import AgentCost
  from ..models.analytics_day import AnalyticsDay
  from ..models.analytics_figures import AnalyticsFigures
  from ..models.error_count import ErrorCount
  from ..models.version_ratings import VersionRatings
  from ..models.workspace_cost import WorkspaceCost





T = TypeVar("T", bound="Analytics")



@_attrs_define
class Analytics:
    """ 
        Attributes:
            start (datetime.date):
            end (datetime.date):
            workspace (str): Workspace slug.
            computed_at (datetime.datetime | None): When the newest rollup in the range was computed (they refresh every 10
                min).
            totals (AnalyticsFigures): Sums from the daily rollups, rates recomputed from them, percentiles recomputed from
                the runs.
            daily (list[AnalyticsDay]): Every day of the range, days without runs included.
            cost_by_agent (list[AgentCost]):
            cost_by_workspace (list[WorkspaceCost]):
            top_errors (list[ErrorCount]): The ten most frequent error codes.
            ratings_by_version (list[VersionRatings]): People's ratings of the period's finished runs, per agent version
                (POST …/feedback).
     """

    start: datetime.date
    end: datetime.date
    workspace: str
    computed_at: datetime.datetime | None
    totals: AnalyticsFigures
    daily: list[AnalyticsDay]
    cost_by_agent: list[AgentCost]
    cost_by_workspace: list[WorkspaceCost]
    top_errors: list[ErrorCount]
    ratings_by_version: list[VersionRatings]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.agent_cost import AgentCost # noqa: PLC0415
        from ..models.analytics_day import AnalyticsDay # noqa: PLC0415
        from ..models.analytics_figures import AnalyticsFigures # noqa: PLC0415
        from ..models.error_count import ErrorCount # noqa: PLC0415
        from ..models.version_ratings import VersionRatings # noqa: PLC0415
        from ..models.workspace_cost import WorkspaceCost # noqa: PLC0415
        start = self.start.isoformat()

        end = self.end.isoformat()

        workspace = self.workspace

        computed_at: None | str
        if isinstance(self.computed_at, datetime.datetime):
            computed_at = self.computed_at.isoformat()
        else:
            computed_at = self.computed_at

        totals = self.totals.to_dict()

        daily = []
        for daily_item_data in self.daily:
            daily_item = daily_item_data.to_dict()
            daily.append(daily_item)



        cost_by_agent = []
        for cost_by_agent_item_data in self.cost_by_agent:
            cost_by_agent_item = cost_by_agent_item_data.to_dict()
            cost_by_agent.append(cost_by_agent_item)



        cost_by_workspace = []
        for cost_by_workspace_item_data in self.cost_by_workspace:
            cost_by_workspace_item = cost_by_workspace_item_data.to_dict()
            cost_by_workspace.append(cost_by_workspace_item)



        top_errors = []
        for top_errors_item_data in self.top_errors:
            top_errors_item = top_errors_item_data.to_dict()
            top_errors.append(top_errors_item)



        ratings_by_version = []
        for ratings_by_version_item_data in self.ratings_by_version:
            ratings_by_version_item = ratings_by_version_item_data.to_dict()
            ratings_by_version.append(ratings_by_version_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "start": start,
            "end": end,
            "workspace": workspace,
            "computed_at": computed_at,
            "totals": totals,
            "daily": daily,
            "cost_by_agent": cost_by_agent,
            "cost_by_workspace": cost_by_workspace,
            "top_errors": top_errors,
            "ratings_by_version": ratings_by_version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agent_cost import AgentCost # noqa: PLC0415
        from ..models.analytics_day import AnalyticsDay # noqa: PLC0415
        from ..models.analytics_figures import AnalyticsFigures # noqa: PLC0415
        from ..models.error_count import ErrorCount # noqa: PLC0415
        from ..models.version_ratings import VersionRatings # noqa: PLC0415
        from ..models.workspace_cost import WorkspaceCost # noqa: PLC0415
        d = dict(src_dict)
        start = datetime.date.fromisoformat(d.pop("start"))




        end = datetime.date.fromisoformat(d.pop("end"))




        workspace = d.pop("workspace")

        def _parse_computed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                computed_at_type_0 = datetime.datetime.fromisoformat(data)



                return computed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        computed_at = _parse_computed_at(d.pop("computed_at"))


        totals = AnalyticsFigures.from_dict(d.pop("totals"))




        daily = []
        _daily = d.pop("daily")
        for daily_item_data in (_daily):
            daily_item = AnalyticsDay.from_dict(daily_item_data)



            daily.append(daily_item)


        cost_by_agent = []
        _cost_by_agent = d.pop("cost_by_agent")
        for cost_by_agent_item_data in (_cost_by_agent):
            cost_by_agent_item = AgentCost.from_dict(cost_by_agent_item_data)



            cost_by_agent.append(cost_by_agent_item)


        cost_by_workspace = []
        _cost_by_workspace = d.pop("cost_by_workspace")
        for cost_by_workspace_item_data in (_cost_by_workspace):
            cost_by_workspace_item = WorkspaceCost.from_dict(cost_by_workspace_item_data)



            cost_by_workspace.append(cost_by_workspace_item)


        top_errors = []
        _top_errors = d.pop("top_errors")
        for top_errors_item_data in (_top_errors):
            top_errors_item = ErrorCount.from_dict(top_errors_item_data)



            top_errors.append(top_errors_item)


        ratings_by_version = []
        _ratings_by_version = d.pop("ratings_by_version")
        for ratings_by_version_item_data in (_ratings_by_version):
            ratings_by_version_item = VersionRatings.from_dict(ratings_by_version_item_data)



            ratings_by_version.append(ratings_by_version_item)


        analytics = cls(
            start=start,
            end=end,
            workspace=workspace,
            computed_at=computed_at,
            totals=totals,
            daily=daily,
            cost_by_agent=cost_by_agent,
            cost_by_workspace=cost_by_workspace,
            top_errors=top_errors,
            ratings_by_version=ratings_by_version,
        )


        analytics.additional_properties = d
        return analytics

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
