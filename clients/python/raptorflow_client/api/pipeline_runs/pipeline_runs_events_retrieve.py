from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.pipeline_event_page import PipelineEventPage
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    id: UUID,
    *,
    after: int | Unset = 0,
    limit: int | Unset = 100,
    wait: float | Unset = 0.0,
    x_workspace: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_workspace, Unset):
        headers["X-Workspace"] = x_workspace



    

    params: dict[str, Any] = {}

    params["after"] = after

    params["limit"] = limit

    params["wait"] = wait


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/pipeline-runs/{id}/events/".format(id=quote(str(id), safe=""),),
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | PipelineEventPage | None:
    if response.status_code == 200:
        response_200 = PipelineEventPage.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | PipelineEventPage]:
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
    after: int | Unset = 0,
    limit: int | Unset = 100,
    wait: float | Unset = 0.0,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | PipelineEventPage]:
    """ Follow a pipeline run's events

     The pipeline's stream: its status changes, step markers (`step`: key, status, run) and every child
    run's events (`run`: step, run, run_sequence, type, data), in one sequence. Loop with
    `after=next_after` until `final`. `wait` holds the request on the stream process (as for runs).

    Args:
        id (UUID):
        after (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.
        wait (float | Unset):  Default: 0.0.
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PipelineEventPage]
     """


    kwargs = _get_kwargs(
        id=id,
after=after,
limit=limit,
wait=wait,
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
    after: int | Unset = 0,
    limit: int | Unset = 100,
    wait: float | Unset = 0.0,
    x_workspace: str | Unset = UNSET,

) -> Error | PipelineEventPage | None:
    """ Follow a pipeline run's events

     The pipeline's stream: its status changes, step markers (`step`: key, status, run) and every child
    run's events (`run`: step, run, run_sequence, type, data), in one sequence. Loop with
    `after=next_after` until `final`. `wait` holds the request on the stream process (as for runs).

    Args:
        id (UUID):
        after (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.
        wait (float | Unset):  Default: 0.0.
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PipelineEventPage
     """


    return sync_detailed(
        id=id,
client=client,
after=after,
limit=limit,
wait=wait,
x_workspace=x_workspace,

    ).parsed

async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    limit: int | Unset = 100,
    wait: float | Unset = 0.0,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | PipelineEventPage]:
    """ Follow a pipeline run's events

     The pipeline's stream: its status changes, step markers (`step`: key, status, run) and every child
    run's events (`run`: step, run, run_sequence, type, data), in one sequence. Loop with
    `after=next_after` until `final`. `wait` holds the request on the stream process (as for runs).

    Args:
        id (UUID):
        after (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.
        wait (float | Unset):  Default: 0.0.
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PipelineEventPage]
     """


    kwargs = _get_kwargs(
        id=id,
after=after,
limit=limit,
wait=wait,
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
    after: int | Unset = 0,
    limit: int | Unset = 100,
    wait: float | Unset = 0.0,
    x_workspace: str | Unset = UNSET,

) -> Error | PipelineEventPage | None:
    """ Follow a pipeline run's events

     The pipeline's stream: its status changes, step markers (`step`: key, status, run) and every child
    run's events (`run`: step, run, run_sequence, type, data), in one sequence. Loop with
    `after=next_after` until `final`. `wait` holds the request on the stream process (as for runs).

    Args:
        id (UUID):
        after (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.
        wait (float | Unset):  Default: 0.0.
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PipelineEventPage
     """


    return (await asyncio_detailed(
        id=id,
client=client,
after=after,
limit=limit,
wait=wait,
x_workspace=x_workspace,

    )).parsed
