from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.paginated_run_list import PaginatedRunList
from ...models.runs_thread_list_status_item import RunsThreadListStatusItem
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime



def _get_kwargs(
    id: UUID,
    *,
    agent: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    status: list[RunsThreadListStatusItem] | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_workspace, Unset):
        headers["X-Workspace"] = x_workspace



    

    params: dict[str, Any] = {}

    params["agent"] = agent

    json_created_after: str | Unset = UNSET
    if not isinstance(created_after, Unset):
        json_created_after = created_after.isoformat()
    params["created_after"] = json_created_after

    json_created_before: str | Unset = UNSET
    if not isinstance(created_before, Unset):
        json_created_before = created_before.isoformat()
    params["created_before"] = json_created_before

    params["cursor"] = cursor

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
        "url": "/api/v1/runs/{id}/thread/".format(id=quote(str(id), safe=""),),
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | PaginatedRunList | None:
    if response.status_code == 200:
        response_200 = PaginatedRunList.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | PaginatedRunList]:
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
    agent: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    status: list[RunsThreadListStatusItem] | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | PaginatedRunList]:
    """ A run's thread

     The chain of follow-ups the run belongs to, from the first run on, oldest first.

    Args:
        id (UUID):
        agent (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):
        status (list[RunsThreadListStatusItem] | Unset):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedRunList]
     """


    kwargs = _get_kwargs(
        id=id,
agent=agent,
created_after=created_after,
created_before=created_before,
cursor=cursor,
limit=limit,
status=status,
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
    agent: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    status: list[RunsThreadListStatusItem] | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Error | PaginatedRunList | None:
    """ A run's thread

     The chain of follow-ups the run belongs to, from the first run on, oldest first.

    Args:
        id (UUID):
        agent (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):
        status (list[RunsThreadListStatusItem] | Unset):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedRunList
     """


    return sync_detailed(
        id=id,
client=client,
agent=agent,
created_after=created_after,
created_before=created_before,
cursor=cursor,
limit=limit,
status=status,
x_workspace=x_workspace,

    ).parsed

async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    agent: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    status: list[RunsThreadListStatusItem] | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | PaginatedRunList]:
    """ A run's thread

     The chain of follow-ups the run belongs to, from the first run on, oldest first.

    Args:
        id (UUID):
        agent (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):
        status (list[RunsThreadListStatusItem] | Unset):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedRunList]
     """


    kwargs = _get_kwargs(
        id=id,
agent=agent,
created_after=created_after,
created_before=created_before,
cursor=cursor,
limit=limit,
status=status,
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
    agent: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    status: list[RunsThreadListStatusItem] | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Error | PaginatedRunList | None:
    """ A run's thread

     The chain of follow-ups the run belongs to, from the first run on, oldest first.

    Args:
        id (UUID):
        agent (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):
        status (list[RunsThreadListStatusItem] | Unset):
        x_workspace (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedRunList
     """


    return (await asyncio_detailed(
        id=id,
client=client,
agent=agent,
created_after=created_after,
created_before=created_before,
cursor=cursor,
limit=limit,
status=status,
x_workspace=x_workspace,

    )).parsed
