from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.decided_by_enum import DecidedByEnum
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="RouteDecision")



@_attrs_define
class RouteDecision:
    """ 
        Attributes:
            agent (None | str): Chosen agent slug; null when clarification is needed.
            confidence (float):
            needs_clarification (bool):
            explicit (bool): The request named the agent itself.
            runner_ups (list[list[Any]]): [[slug, confidence], …], best first.
            reason (str):
            matched_terms (list[str]):
            score (float):
            demoted (list[str]): Agents demoted after repeated failures.
            out_of_scope (bool): No agent does what the request asks (design, code, publishing…).
            clarifying_question (str): When agent is null: a question naming the two closest agents.
            language (str): The request's language: en, de, fr, es, pt or it.
            decided_by (DecidedByEnum): * `explicit` - explicit
                * `lexical` - lexical
                * `model` - model
                * `model+lexical` - model+lexical
            model (Any | Unset): The model's classification and its call (tokens, cost), when a model was asked.
            lexical (Any | Unset): The lexical router's decision, when the model decided.
     """

    agent: None | str
    confidence: float
    needs_clarification: bool
    explicit: bool
    runner_ups: list[list[Any]]
    reason: str
    matched_terms: list[str]
    score: float
    demoted: list[str]
    out_of_scope: bool
    clarifying_question: str
    language: str
    decided_by: DecidedByEnum
    model: Any | Unset = UNSET
    lexical: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent: None | str
        agent = self.agent

        confidence = self.confidence

        needs_clarification = self.needs_clarification

        explicit = self.explicit

        runner_ups = []
        for runner_ups_item_data in self.runner_ups:
            runner_ups_item = runner_ups_item_data


            runner_ups.append(runner_ups_item)



        reason = self.reason

        matched_terms = self.matched_terms



        score = self.score

        demoted = self.demoted



        out_of_scope = self.out_of_scope

        clarifying_question = self.clarifying_question

        language = self.language

        decided_by = self.decided_by.value

        model = self.model

        lexical = self.lexical


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent": agent,
            "confidence": confidence,
            "needs_clarification": needs_clarification,
            "explicit": explicit,
            "runner_ups": runner_ups,
            "reason": reason,
            "matched_terms": matched_terms,
            "score": score,
            "demoted": demoted,
            "out_of_scope": out_of_scope,
            "clarifying_question": clarifying_question,
            "language": language,
            "decided_by": decided_by,
        })
        if model is not UNSET:
            field_dict["model"] = model
        if lexical is not UNSET:
            field_dict["lexical"] = lexical

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_agent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        agent = _parse_agent(d.pop("agent"))


        confidence = d.pop("confidence")

        needs_clarification = d.pop("needs_clarification")

        explicit = d.pop("explicit")

        runner_ups = []
        _runner_ups = d.pop("runner_ups")
        for runner_ups_item_data in (_runner_ups):
            runner_ups_item = cast(list[Any], runner_ups_item_data)

            runner_ups.append(runner_ups_item)


        reason = d.pop("reason")

        matched_terms = cast(list[str], d.pop("matched_terms"))


        score = d.pop("score")

        demoted = cast(list[str], d.pop("demoted"))


        out_of_scope = d.pop("out_of_scope")

        clarifying_question = d.pop("clarifying_question")

        language = d.pop("language")

        decided_by = DecidedByEnum(d.pop("decided_by"))




        model = d.pop("model", UNSET)

        lexical = d.pop("lexical", UNSET)

        route_decision = cls(
            agent=agent,
            confidence=confidence,
            needs_clarification=needs_clarification,
            explicit=explicit,
            runner_ups=runner_ups,
            reason=reason,
            matched_terms=matched_terms,
            score=score,
            demoted=demoted,
            out_of_scope=out_of_scope,
            clarifying_question=clarifying_question,
            language=language,
            decided_by=decided_by,
            model=model,
            lexical=lexical,
        )


        route_decision.additional_properties = d
        return route_decision

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
