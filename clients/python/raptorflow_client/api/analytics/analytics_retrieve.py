from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.analytics import Analytics
from ...models.error import Error
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    *,
    end: datetime.date | Unset = UNSET,
    start: datetime.date | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_workspace, Unset):
        headers["X-Workspace"] = x_workspace



    

    params: dict[str, Any] = {}

    json_end: str | Unset = UNSET
    if not isinstance(end, Unset):
        json_end = end.isoformat()
    params["end"] = json_end

    json_start: str | Unset = UNSET
    if not isinstance(start, Unset):
        json_start = start.isoformat()
    params["start"] = json_start


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/analytics/",
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Analytics | Error | None:
    if response.status_code == 200:
        response_200 = Analytics.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Analytics | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    end: datetime.date | Unset = UNSET,
    start: datetime.date | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Analytics | Error]:
    """ Analytics for a range of days

     The workspace's runs that finished in the UTC days start … end (at most 366; the last 30 by
    default): per day and in total the runs, success rate, duration and queue-wait percentiles (nearest
    rank), tokens (input, of which read from and written to a prompt cache, and output), cost, LLM cache
    hit rate, provider errors and fallbacks; cost by agent; the most frequent error codes. Counts come
    from rollups refreshed every 10 minutes, and today's at most a minute old when the range includes
    it.

    Args:
        end (datetime.date | Unset):
        start (datetime.date | Unset):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Analytics | Error]
     """


    kwargs = _get_kwargs(
        end=end,
start=start,
x_workspace=x_workspace,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    end: datetime.date | Unset = UNSET,
    start: datetime.date | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Analytics | Error | None:
    """ Analytics for a range of days

     The workspace's runs that finished in the UTC days start … end (at most 366; the last 30 by
    default): per day and in total the runs, success rate, duration and queue-wait percentiles (nearest
    rank), tokens (input, of which read from and written to a prompt cache, and output), cost, LLM cache
    hit rate, provider errors and fallbacks; cost by agent; the most frequent error codes. Counts come
    from rollups refreshed every 10 minutes, and today's at most a minute old when the range includes
    it.

    Args:
        end (datetime.date | Unset):
        start (datetime.date | Unset):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Analytics | Error
     """


    return sync_detailed(
        client=client,
end=end,
start=start,
x_workspace=x_workspace,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    end: datetime.date | Unset = UNSET,
    start: datetime.date | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Analytics | Error]:
    """ Analytics for a range of days

     The workspace's runs that finished in the UTC days start … end (at most 366; the last 30 by
    default): per day and in total the runs, success rate, duration and queue-wait percentiles (nearest
    rank), tokens (input, of which read from and written to a prompt cache, and output), cost, LLM cache
    hit rate, provider errors and fallbacks; cost by agent; the most frequent error codes. Counts come
    from rollups refreshed every 10 minutes, and today's at most a minute old when the range includes
    it.

    Args:
        end (datetime.date | Unset):
        start (datetime.date | Unset):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Analytics | Error]
     """


    kwargs = _get_kwargs(
        end=end,
start=start,
x_workspace=x_workspace,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    end: datetime.date | Unset = UNSET,
    start: datetime.date | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Analytics | Error | None:
    """ Analytics for a range of days

     The workspace's runs that finished in the UTC days start … end (at most 366; the last 30 by
    default): per day and in total the runs, success rate, duration and queue-wait percentiles (nearest
    rank), tokens (input, of which read from and written to a prompt cache, and output), cost, LLM cache
    hit rate, provider errors and fallbacks; cost by agent; the most frequent error codes. Counts come
    from rollups refreshed every 10 minutes, and today's at most a minute old when the range includes
    it.

    Args:
        end (datetime.date | Unset):
        start (datetime.date | Unset):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Analytics | Error
     """


    return (await asyncio_detailed(
        client=client,
end=end,
start=start,
x_workspace=x_workspace,

    )).parsed
