from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.workspace_create_request_foundation_budget_level import WorkspaceCreateRequestFoundationBudgetLevel
from ..models.workspace_create_request_foundation_stage import WorkspaceCreateRequestFoundationStage
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.workspace_create_request_foundation_brand_voice import WorkspaceCreateRequestFoundationBrandVoice





T = TypeVar("T", bound="WorkspaceCreateRequestFoundation")



@_attrs_define
class WorkspaceCreateRequestFoundation:
    """ 
        Attributes:
            company (str | Unset):
            industry (str | Unset):
            stage (WorkspaceCreateRequestFoundationStage | Unset):
            description (str | Unset):
            product (str | Unset):
            audience (str | Unset):
            competitors (list[str] | Unset):
            brand_voice (WorkspaceCreateRequestFoundationBrandVoice | Unset):
            goals (list[str] | Unset):
            budget_level (WorkspaceCreateRequestFoundationBudgetLevel | Unset):
     """

    company: str | Unset = UNSET
    industry: str | Unset = UNSET
    stage: WorkspaceCreateRequestFoundationStage | Unset = UNSET
    description: str | Unset = UNSET
    product: str | Unset = UNSET
    audience: str | Unset = UNSET
    competitors: list[str] | Unset = UNSET
    brand_voice: WorkspaceCreateRequestFoundationBrandVoice | Unset = UNSET
    goals: list[str] | Unset = UNSET
    budget_level: WorkspaceCreateRequestFoundationBudgetLevel | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.workspace_create_request_foundation_brand_voice import WorkspaceCreateRequestFoundationBrandVoice # noqa: PLC0415
        company = self.company

        industry = self.industry

        stage: str | Unset = UNSET
        if not isinstance(self.stage, Unset):
            stage = self.stage.value


        description = self.description

        product = self.product

        audience = self.audience

        competitors: list[str] | Unset = UNSET
        if not isinstance(self.competitors, Unset):
            competitors = self.competitors



        brand_voice: dict[str, Any] | Unset = UNSET
        if not isinstance(self.brand_voice, Unset):
            brand_voice = self.brand_voice.to_dict()

        goals: list[str] | Unset = UNSET
        if not isinstance(self.goals, Unset):
            goals = self.goals



        budget_level: str | Unset = UNSET
        if not isinstance(self.budget_level, Unset):
            budget_level = self.budget_level.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if company is not UNSET:
            field_dict["company"] = company
        if industry is not UNSET:
            field_dict["industry"] = industry
        if stage is not UNSET:
            field_dict["stage"] = stage
        if description is not UNSET:
            field_dict["description"] = description
        if product is not UNSET:
            field_dict["product"] = product
        if audience is not UNSET:
            field_dict["audience"] = audience
        if competitors is not UNSET:
            field_dict["competitors"] = competitors
        if brand_voice is not UNSET:
            field_dict["brand_voice"] = brand_voice
        if goals is not UNSET:
            field_dict["goals"] = goals
        if budget_level is not UNSET:
            field_dict["budget_level"] = budget_level

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.workspace_create_request_foundation_brand_voice import WorkspaceCreateRequestFoundationBrandVoice # noqa: PLC0415
        d = dict(src_dict)
        company = d.pop("company", UNSET)

        industry = d.pop("industry", UNSET)

        _stage = d.pop("stage", UNSET)
        stage: WorkspaceCreateRequestFoundationStage | Unset
        if isinstance(_stage,  Unset):
            stage = UNSET
        else:
            stage = WorkspaceCreateRequestFoundationStage(_stage)




        description = d.pop("description", UNSET)

        product = d.pop("product", UNSET)

        audience = d.pop("audience", UNSET)

        competitors = cast(list[str], d.pop("competitors", UNSET))


        _brand_voice = d.pop("brand_voice", UNSET)
        brand_voice: WorkspaceCreateRequestFoundationBrandVoice | Unset
        if isinstance(_brand_voice,  Unset):
            brand_voice = UNSET
        else:
            brand_voice = WorkspaceCreateRequestFoundationBrandVoice.from_dict(_brand_voice)




        goals = cast(list[str], d.pop("goals", UNSET))


        _budget_level = d.pop("budget_level", UNSET)
        budget_level: WorkspaceCreateRequestFoundationBudgetLevel | Unset
        if isinstance(_budget_level,  Unset):
            budget_level = UNSET
        else:
            budget_level = WorkspaceCreateRequestFoundationBudgetLevel(_budget_level)




        workspace_create_request_foundation = cls(
            company=company,
            industry=industry,
            stage=stage,
            description=description,
            product=product,
            audience=audience,
            competitors=competitors,
            brand_voice=brand_voice,
            goals=goals,
            budget_level=budget_level,
        )

        return workspace_create_request_foundation

