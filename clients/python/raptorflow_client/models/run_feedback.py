from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.rating_enum import RatingEnum
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="RunFeedback")



@_attrs_define
class RunFeedback:
    """ 
        Attributes:
            rating (RatingEnum): * `up` - Thumbs up
                * `down` - Thumbs down
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            comment (str | Unset):
     """

    rating: RatingEnum
    created_at: datetime.datetime
    updated_at: datetime.datetime
    comment: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        rating = self.rating.value

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        comment = self.comment


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "rating": rating,
            "created_at": created_at,
            "updated_at": updated_at,
        })
        if comment is not UNSET:
            field_dict["comment"] = comment

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        rating = RatingEnum(d.pop("rating"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        comment = d.pop("comment", UNSET)

        run_feedback = cls(
            rating=rating,
            created_at=created_at,
            updated_at=updated_at,
            comment=comment,
        )


        run_feedback.additional_properties = d
        return run_feedback

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
