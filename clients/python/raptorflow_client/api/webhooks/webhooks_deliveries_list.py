from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.paginated_delivery_list import PaginatedDeliveryList
from ...models.webhooks_deliveries_list_status_item import WebhooksDeliveriesListStatusItem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    endpoint: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    status: list[WebhooksDeliveriesListStatusItem] | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_workspace, Unset):
        headers["X-Workspace"] = x_workspace



    

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["endpoint"] = endpoint

    params["limit"] = limit

    json_status: list[str] | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = []
        for status_item_data in status:
            status_item = status_item_data.value
            json_status.append(status_item)


    params["status"] = json_status


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/webhooks/deliveries/",
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | PaginatedDeliveryList | None:
    if response.status_code == 200:
        response_200 = PaginatedDeliveryList.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | PaginatedDeliveryList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    endpoint: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    status: list[WebhooksDeliveriesListStatusItem] | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | PaginatedDeliveryList]:
    """ List webhook deliveries, newest first

     One delivery per event and endpoint: the request (body, last headers), the last response (status,
    the start of its body, duration), every attempt, and when the next is due. `?endpoint=` for one
    endpoint's log.

    Args:
        cursor (str | Unset):
        endpoint (int | Unset):
        limit (int | Unset):
        status (list[WebhooksDeliveriesListStatusItem] | Unset):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedDeliveryList]
     """


    kwargs = _get_kwargs(
        cursor=cursor,
endpoint=endpoint,
limit=limit,
status=status,
x_workspace=x_workspace,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    endpoint: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    status: list[WebhooksDeliveriesListStatusItem] | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Error | PaginatedDeliveryList | None:
    """ List webhook deliveries, newest first

     One delivery per event and endpoint: the request (body, last headers), the last response (status,
    the start of its body, duration), every attempt, and when the next is due. `?endpoint=` for one
    endpoint's log.

    Args:
        cursor (str | Unset):
        endpoint (int | Unset):
        limit (int | Unset):
        status (list[WebhooksDeliveriesListStatusItem] | Unset):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedDeliveryList
     """


    return sync_detailed(
        client=client,
cursor=cursor,
endpoint=endpoint,
limit=limit,
status=status,
x_workspace=x_workspace,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    endpoint: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    status: list[WebhooksDeliveriesListStatusItem] | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | PaginatedDeliveryList]:
    """ List webhook deliveries, newest first

     One delivery per event and endpoint: the request (body, last headers), the last response (status,
    the start of its body, duration), every attempt, and when the next is due. `?endpoint=` for one
    endpoint's log.

    Args:
        cursor (str | Unset):
        endpoint (int | Unset):
        limit (int | Unset):
        status (list[WebhooksDeliveriesListStatusItem] | Unset):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedDeliveryList]
     """


    kwargs = _get_kwargs(
        cursor=cursor,
endpoint=endpoint,
limit=limit,
status=status,
x_workspace=x_workspace,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    endpoint: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    status: list[WebhooksDeliveriesListStatusItem] | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Error | PaginatedDeliveryList | None:
    """ List webhook deliveries, newest first

     One delivery per event and endpoint: the request (body, last headers), the last response (status,
    the start of its body, duration), every attempt, and when the next is due. `?endpoint=` for one
    endpoint's log.

    Args:
        cursor (str | Unset):
        endpoint (int | Unset):
        limit (int | Unset):
        status (list[WebhooksDeliveriesListStatusItem] | Unset):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedDeliveryList
     """


    return (await asyncio_detailed(
        client=client,
cursor=cursor,
endpoint=endpoint,
limit=limit,
status=status,
x_workspace=x_workspace,

    )).parsed
