from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="VersionRatings")



@_attrs_define
class VersionRatings:
    """ 
        Attributes:
            agent (str): Agent slug.
            version (int): The agent version's number.
            up (int): Thumbs up on its runs' outputs.
            down (int): Thumbs down.
     """

    agent: str
    version: int
    up: int
    down: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent = self.agent

        version = self.version

        up = self.up

        down = self.down


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent": agent,
            "version": version,
            "up": up,
            "down": down,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent = d.pop("agent")

        version = d.pop("version")

        up = d.pop("up")

        down = d.pop("down")

        version_ratings = cls(
            agent=agent,
            version=version,
            up=up,
            down=down,
        )


        version_ratings.additional_properties = d
        return version_ratings

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
