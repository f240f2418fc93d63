from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.workspace import Workspace
from ...models.workspace_create_request import WorkspaceCreateRequest
from typing import cast



def _get_kwargs(
    *,
    body: WorkspaceCreateRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/workspaces/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Workspace | None:
    if response.status_code == 201:
        response_201 = Workspace.from_dict(response.json())



        return response_201

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

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Workspace]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: WorkspaceCreateRequest,

) -> Response[Error | Workspace]:
    """ Create a workspace; you become its owner

     Signed in only (an API key belongs to one workspace and gets 403). 409 `slug_taken` when the slug is
    in use, 409 `workspace_limit` past `RAPTORFLOW_MAX_OWNED_WORKSPACES` owned workspaces, 422
    `slug_needed` when the name gives no slug and none is sent.

    Args:
        body (WorkspaceCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Workspace]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: WorkspaceCreateRequest,

) -> Error | Workspace | None:
    """ Create a workspace; you become its owner

     Signed in only (an API key belongs to one workspace and gets 403). 409 `slug_taken` when the slug is
    in use, 409 `workspace_limit` past `RAPTORFLOW_MAX_OWNED_WORKSPACES` owned workspaces, 422
    `slug_needed` when the name gives no slug and none is sent.

    Args:
        body (WorkspaceCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Workspace
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: WorkspaceCreateRequest,

) -> Response[Error | Workspace]:
    """ Create a workspace; you become its owner

     Signed in only (an API key belongs to one workspace and gets 403). 409 `slug_taken` when the slug is
    in use, 409 `workspace_limit` past `RAPTORFLOW_MAX_OWNED_WORKSPACES` owned workspaces, 422
    `slug_needed` when the name gives no slug and none is sent.

    Args:
        body (WorkspaceCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Workspace]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: WorkspaceCreateRequest,

) -> Error | Workspace | None:
    """ Create a workspace; you become its owner

     Signed in only (an API key belongs to one workspace and gets 403). 409 `slug_taken` when the slug is
    in use, 409 `workspace_limit` past `RAPTORFLOW_MAX_OWNED_WORKSPACES` owned workspaces, 422
    `slug_needed` when the name gives no slug and none is sent.

    Args:
        body (WorkspaceCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Workspace
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
