from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.run_answer_request_answers import RunAnswerRequestAnswers





T = TypeVar("T", bound="RunAnswerRequest")



@_attrs_define
class RunAnswerRequest:
    """ 
        Attributes:
            answers (RunAnswerRequestAnswers): One entry per question key; each must match its question's schema.
     """

    answers: RunAnswerRequestAnswers
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.run_answer_request_answers import RunAnswerRequestAnswers # noqa: PLC0415
        answers = self.answers.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "answers": answers,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_answer_request_answers import RunAnswerRequestAnswers # noqa: PLC0415
        d = dict(src_dict)
        answers = RunAnswerRequestAnswers.from_dict(d.pop("answers"))




        run_answer_request = cls(
            answers=answers,
        )


        run_answer_request.additional_properties = d
        return run_answer_request

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
