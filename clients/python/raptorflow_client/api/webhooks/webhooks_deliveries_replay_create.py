from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.delivery import Delivery
from ...models.error import Error
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    x_workspace: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_workspace, Unset):
        headers["X-Workspace"] = x_workspace



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/webhooks/deliveries/{id}/replay/".format(id=quote(str(id), safe=""),),
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Delivery | Error | None:
    if response.status_code == 202:
        response_202 = Delivery.from_dict(response.json())



        return response_202

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Delivery | Error]:
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
    x_workspace: str | Unset = UNSET,

) -> Response[Delivery | Error]:
    """ Send a delivery again

     Sends the same message (same `webhook-id`) to the same endpoint as a new delivery, with the full
    retry schedule; answers with the new delivery. 422 `endpoint_inactive` when the endpoint is off.

    Args:
        id (str):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Delivery | Error]
     """


    kwargs = _get_kwargs(
        id=id,
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
    x_workspace: str | Unset = UNSET,

) -> Delivery | Error | None:
    """ Send a delivery again

     Sends the same message (same `webhook-id`) to the same endpoint as a new delivery, with the full
    retry schedule; answers with the new delivery. 422 `endpoint_inactive` when the endpoint is off.

    Args:
        id (str):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Delivery | Error
     """


    return sync_detailed(
        id=id,
client=client,
x_workspace=x_workspace,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    x_workspace: str | Unset = UNSET,

) -> Response[Delivery | Error]:
    """ Send a delivery again

     Sends the same message (same `webhook-id`) to the same endpoint as a new delivery, with the full
    retry schedule; answers with the new delivery. 422 `endpoint_inactive` when the endpoint is off.

    Args:
        id (str):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Delivery | Error]
     """


    kwargs = _get_kwargs(
        id=id,
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
    x_workspace: str | Unset = UNSET,

) -> Delivery | Error | None:
    """ Send a delivery again

     Sends the same message (same `webhook-id`) to the same endpoint as a new delivery, with the full
    retry schedule; answers with the new delivery. 422 `endpoint_inactive` when the endpoint is off.

    Args:
        id (str):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Delivery | Error
     """


    return (await asyncio_detailed(
        id=id,
client=client,
x_workspace=x_workspace,

    )).parsed
