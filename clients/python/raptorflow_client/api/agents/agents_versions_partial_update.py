from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.agent_version import AgentVersion
from ...models.error import Error
from ...models.patched_agent_version_request import PatchedAgentVersionRequest
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    agent_slug: str,
    number: str,
    *,
    body: PatchedAgentVersionRequest | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/agents/{agent_slug}/versions/{number}/".format(agent_slug=quote(str(agent_slug), safe=""),number=quote(str(number), safe=""),),
    }

    
    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AgentVersion | Error | None:
    if response.status_code == 200:
        response_200 = AgentVersion.from_dict(response.json())



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

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())



        return response_409

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AgentVersion | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    agent_slug: str,
    number: str,
    *,
    client: AuthenticatedClient,
    body: PatchedAgentVersionRequest | Unset = UNSET,

) -> Response[AgentVersion | Error]:
    """ Edit a draft

     Versions of one agent. Staff create drafts from the latest version, edit them, and publish.

    Args:
        agent_slug (str):
        number (str):
        body (PatchedAgentVersionRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AgentVersion | Error]
     """


    kwargs = _get_kwargs(
        agent_slug=agent_slug,
number=number,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    agent_slug: str,
    number: str,
    *,
    client: AuthenticatedClient,
    body: PatchedAgentVersionRequest | Unset = UNSET,

) -> AgentVersion | Error | None:
    """ Edit a draft

     Versions of one agent. Staff create drafts from the latest version, edit them, and publish.

    Args:
        agent_slug (str):
        number (str):
        body (PatchedAgentVersionRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AgentVersion | Error
     """


    return sync_detailed(
        agent_slug=agent_slug,
number=number,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    agent_slug: str,
    number: str,
    *,
    client: AuthenticatedClient,
    body: PatchedAgentVersionRequest | Unset = UNSET,

) -> Response[AgentVersion | Error]:
    """ Edit a draft

     Versions of one agent. Staff create drafts from the latest version, edit them, and publish.

    Args:
        agent_slug (str):
        number (str):
        body (PatchedAgentVersionRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AgentVersion | Error]
     """


    kwargs = _get_kwargs(
        agent_slug=agent_slug,
number=number,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    agent_slug: str,
    number: str,
    *,
    client: AuthenticatedClient,
    body: PatchedAgentVersionRequest | Unset = UNSET,

) -> AgentVersion | Error | None:
    """ Edit a draft

     Versions of one agent. Staff create drafts from the latest version, edit them, and publish.

    Args:
        agent_slug (str):
        number (str):
        body (PatchedAgentVersionRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AgentVersion | Error
     """


    return (await asyncio_detailed(
        agent_slug=agent_slug,
number=number,
client=client,
body=body,

    )).parsed
