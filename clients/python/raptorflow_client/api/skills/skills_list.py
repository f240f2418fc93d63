from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.skill import Skill
from ...models.skills_list_category import SkillsListCategory
from ...models.skills_list_kind import SkillsListKind
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    category: SkillsListCategory | Unset = UNSET,
    enabled: bool | Unset = UNSET,
    kind: SkillsListKind | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_category: str | Unset = UNSET
    if not isinstance(category, Unset):
        json_category = category.value

    params["category"] = json_category

    params["enabled"] = enabled

    json_kind: str | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind.value

    params["kind"] = json_kind


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/skills/",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | list[Skill] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in (_response_200):
            response_200_item = Skill.from_dict(response_200_item_data)



            response_200.append(response_200_item)

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())



        return response_404

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | list[Skill]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    category: SkillsListCategory | Unset = UNSET,
    enabled: bool | Unset = UNSET,
    kind: SkillsListKind | Unset = UNSET,

) -> Response[Error | list[Skill]]:
    """ List skills

     The skill registry as staff see it in the admin: what each skill takes, returns, and whether it is
    on.

    Args:
        category (SkillsListCategory | Unset):
        enabled (bool | Unset):
        kind (SkillsListKind | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[Skill]]
     """


    kwargs = _get_kwargs(
        category=category,
enabled=enabled,
kind=kind,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    category: SkillsListCategory | Unset = UNSET,
    enabled: bool | Unset = UNSET,
    kind: SkillsListKind | Unset = UNSET,

) -> Error | list[Skill] | None:
    """ List skills

     The skill registry as staff see it in the admin: what each skill takes, returns, and whether it is
    on.

    Args:
        category (SkillsListCategory | Unset):
        enabled (bool | Unset):
        kind (SkillsListKind | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[Skill]
     """


    return sync_detailed(
        client=client,
category=category,
enabled=enabled,
kind=kind,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    category: SkillsListCategory | Unset = UNSET,
    enabled: bool | Unset = UNSET,
    kind: SkillsListKind | Unset = UNSET,

) -> Response[Error | list[Skill]]:
    """ List skills

     The skill registry as staff see it in the admin: what each skill takes, returns, and whether it is
    on.

    Args:
        category (SkillsListCategory | Unset):
        enabled (bool | Unset):
        kind (SkillsListKind | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[Skill]]
     """


    kwargs = _get_kwargs(
        category=category,
enabled=enabled,
kind=kind,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    category: SkillsListCategory | Unset = UNSET,
    enabled: bool | Unset = UNSET,
    kind: SkillsListKind | Unset = UNSET,

) -> Error | list[Skill] | None:
    """ List skills

     The skill registry as staff see it in the admin: what each skill takes, returns, and whether it is
    on.

    Args:
        category (SkillsListCategory | Unset):
        enabled (bool | Unset):
        kind (SkillsListKind | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[Skill]
     """


    return (await asyncio_detailed(
        client=client,
category=category,
enabled=enabled,
kind=kind,

    )).parsed
