from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.run_detail import RunDetail
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    id: UUID,
    *,
    x_workspace: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_workspace, Unset):
        headers["X-Workspace"] = x_workspace



    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/runs/{id}/".format(id=quote(str(id), safe=""),),
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Error | RunDetail | None:
    if response.status_code == 200:
        response_200 = RunDetail.from_dict(response.json())



        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Error | RunDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    x_workspace: str | Unset = UNSET,

) -> Response[Any | Error | RunDetail]:
    """ Get a run with its steps

     Every answer carries an `ETag`; send it back in `If-None-Match` to get a 304 without a body while
    the run has not changed. A finished run's body is served from a cache (decision 0031).

    Args:
        id (UUID):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | RunDetail]
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
    id: UUID,
    *,
    client: AuthenticatedClient,
    x_workspace: str | Unset = UNSET,

) -> Any | Error | RunDetail | None:
    """ Get a run with its steps

     Every answer carries an `ETag`; send it back in `If-None-Match` to get a 304 without a body while
    the run has not changed. A finished run's body is served from a cache (decision 0031).

    Args:
        id (UUID):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | RunDetail
     """


    return sync_detailed(
        id=id,
client=client,
x_workspace=x_workspace,

    ).parsed

async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    x_workspace: str | Unset = UNSET,

) -> Response[Any | Error | RunDetail]:
    """ Get a run with its steps

     Every answer carries an `ETag`; send it back in `If-None-Match` to get a 304 without a body while
    the run has not changed. A finished run's body is served from a cache (decision 0031).

    Args:
        id (UUID):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | RunDetail]
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
    id: UUID,
    *,
    client: AuthenticatedClient,
    x_workspace: str | Unset = UNSET,

) -> Any | Error | RunDetail | None:
    """ Get a run with its steps

     Every answer carries an `ETag`; send it back in `If-None-Match` to get a 304 without a body while
    the run has not changed. A finished run's body is served from a cache (decision 0031).

    Args:
        id (UUID):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | RunDetail
     """


    return (await asyncio_detailed(
        id=id,
client=client,
x_workspace=x_workspace,

    )).parsed
