from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.patched_workspace_update_request import PatchedWorkspaceUpdateRequest
from ...models.workspace import Workspace
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    slug: str,
    *,
    body: PatchedWorkspaceUpdateRequest | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/workspaces/{slug}/".format(slug=quote(str(slug), safe=""),),
    }

    
    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Workspace | None:
    if response.status_code == 200:
        response_200 = Workspace.from_dict(response.json())



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
    slug: str,
    *,
    client: AuthenticatedClient,
    body: PatchedWorkspaceUpdateRequest | Unset = UNSET,

) -> Response[Error | Workspace]:
    """ Change a workspace's name, budget, time zone or foundation

     Needs the admin role (or an API key with the `admin` scope). The foundation is replaced whole and
    validated against its JSON Schema; problems come back as a 400 under `errors.foundation`. `timezone`
    is an IANA name (`Europe/Paris`); the workspace's schedules fire in it from then on, and a name the
    zone database does not know is a 422 `invalid_timezone`.

    Args:
        slug (str):
        body (PatchedWorkspaceUpdateRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Workspace]
     """


    kwargs = _get_kwargs(
        slug=slug,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    slug: str,
    *,
    client: AuthenticatedClient,
    body: PatchedWorkspaceUpdateRequest | Unset = UNSET,

) -> Error | Workspace | None:
    """ Change a workspace's name, budget, time zone or foundation

     Needs the admin role (or an API key with the `admin` scope). The foundation is replaced whole and
    validated against its JSON Schema; problems come back as a 400 under `errors.foundation`. `timezone`
    is an IANA name (`Europe/Paris`); the workspace's schedules fire in it from then on, and a name the
    zone database does not know is a 422 `invalid_timezone`.

    Args:
        slug (str):
        body (PatchedWorkspaceUpdateRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Workspace
     """


    return sync_detailed(
        slug=slug,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    slug: str,
    *,
    client: AuthenticatedClient,
    body: PatchedWorkspaceUpdateRequest | Unset = UNSET,

) -> Response[Error | Workspace]:
    """ Change a workspace's name, budget, time zone or foundation

     Needs the admin role (or an API key with the `admin` scope). The foundation is replaced whole and
    validated against its JSON Schema; problems come back as a 400 under `errors.foundation`. `timezone`
    is an IANA name (`Europe/Paris`); the workspace's schedules fire in it from then on, and a name the
    zone database does not know is a 422 `invalid_timezone`.

    Args:
        slug (str):
        body (PatchedWorkspaceUpdateRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Workspace]
     """


    kwargs = _get_kwargs(
        slug=slug,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    slug: str,
    *,
    client: AuthenticatedClient,
    body: PatchedWorkspaceUpdateRequest | Unset = UNSET,

) -> Error | Workspace | None:
    """ Change a workspace's name, budget, time zone or foundation

     Needs the admin role (or an API key with the `admin` scope). The foundation is replaced whole and
    validated against its JSON Schema; problems come back as a 400 under `errors.foundation`. `timezone`
    is an IANA name (`Europe/Paris`); the workspace's schedules fire in it from then on, and a name the
    zone database does not know is a 422 `invalid_timezone`.

    Args:
        slug (str):
        body (PatchedWorkspaceUpdateRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Workspace
     """


    return (await asyncio_detailed(
        slug=slug,
client=client,
body=body,

    )).parsed
