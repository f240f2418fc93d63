from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.endpoint import Endpoint
from ...models.error import Error
from ...models.patched_endpoint_update_request import PatchedEndpointUpdateRequest
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    body: PatchedEndpointUpdateRequest | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_workspace, Unset):
        headers["X-Workspace"] = x_workspace



    

    

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/webhooks/endpoints/{id}/".format(id=quote(str(id), safe=""),),
    }

    
    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Endpoint | Error | None:
    if response.status_code == 200:
        response_200 = Endpoint.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Endpoint | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: PatchedEndpointUpdateRequest | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Endpoint | Error]:
    """ Change a webhook endpoint, or turn it off or on

     `active: true` turns an endpoint that was disabled on again and clears why it was.

    Args:
        id (str):
        x_workspace (str | Unset):
        body (PatchedEndpointUpdateRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Endpoint | Error]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
x_workspace=x_workspace,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    body: PatchedEndpointUpdateRequest | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Endpoint | Error | None:
    """ Change a webhook endpoint, or turn it off or on

     `active: true` turns an endpoint that was disabled on again and clears why it was.

    Args:
        id (str):
        x_workspace (str | Unset):
        body (PatchedEndpointUpdateRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Endpoint | Error
     """


    return sync_detailed(
        id=id,
client=client,
body=body,
x_workspace=x_workspace,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: PatchedEndpointUpdateRequest | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Endpoint | Error]:
    """ Change a webhook endpoint, or turn it off or on

     `active: true` turns an endpoint that was disabled on again and clears why it was.

    Args:
        id (str):
        x_workspace (str | Unset):
        body (PatchedEndpointUpdateRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Endpoint | Error]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
x_workspace=x_workspace,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    body: PatchedEndpointUpdateRequest | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Endpoint | Error | None:
    """ Change a webhook endpoint, or turn it off or on

     `active: true` turns an endpoint that was disabled on again and clears why it was.

    Args:
        id (str):
        x_workspace (str | Unset):
        body (PatchedEndpointUpdateRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Endpoint | Error
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,
x_workspace=x_workspace,

    )).parsed
