from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.run import Run





T = TypeVar("T", bound="RunBatchResult")



@_attrs_define
class RunBatchResult:
    """ 
        Attributes:
            index (int): The item's position in the request, from 0.
            status (int): What POST /runs would have answered for this item alone: 201 created, 200 the earlier run of the
                same key and request, 402, 409, 413 or 422 refused (see error).
            run (None | Run): The run (201, 200), else null.
            error (Any): {"code", "message", "errors"?} when refused, else null.
     """

    index: int
    status: int
    run: None | Run
    error: Any
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.run import Run # noqa: PLC0415
        index = self.index

        status = self.status

        run: dict[str, Any] | None
        if isinstance(self.run, Run):
            run = self.run.to_dict()
        else:
            run = self.run

        error = self.error


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "index": index,
            "status": status,
            "run": run,
            "error": error,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run import Run # noqa: PLC0415
        d = dict(src_dict)
        index = d.pop("index")

        status = d.pop("status")

        def _parse_run(data: object) -> None | Run:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                run_type_1 = Run.from_dict(data)



                return run_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Run, data)

        run = _parse_run(d.pop("run"))


        error = d.pop("error")

        run_batch_result = cls(
            index=index,
            status=status,
            run=run,
            error=error,
        )


        run_batch_result.additional_properties = d
        return run_batch_result

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
