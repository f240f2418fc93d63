from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.follow_up_request import FollowUpRequest
from ...models.run import Run
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    id: UUID,
    *,
    body: FollowUpRequest,
    idempotency_key: str | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(x_workspace, Unset):
        headers["X-Workspace"] = x_workspace



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/runs/{id}/follow-up/".format(id=quote(str(id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Run | None:
    if response.status_code == 200:
        response_200 = Run.from_dict(response.json())



        return response_200

    if response.status_code == 201:
        response_201 = Run.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())



        return response_401

    if response.status_code == 402:
        response_402 = Error.from_dict(response.json())



        return response_402

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Run]:
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
    body: FollowUpRequest,
    idempotency_key: str | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | Run]:
    """ Follow up a run

     Starts a new run of the same agent version with the parent's input (and the given changes laid over
    it); the model sees the parent's input and output and the instructions. Only a run that succeeded
    can be followed up (409 not_succeeded). Without a model the instructions cannot be applied: the new
    run says so in a progress event (needs_model) and recomputes from the input alone.

    Args:
        id (UUID):
        idempotency_key (str | Unset):
        x_workspace (str | Unset):
        body (FollowUpRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Run]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
idempotency_key=idempotency_key,
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
    body: FollowUpRequest,
    idempotency_key: str | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Error | Run | None:
    """ Follow up a run

     Starts a new run of the same agent version with the parent's input (and the given changes laid over
    it); the model sees the parent's input and output and the instructions. Only a run that succeeded
    can be followed up (409 not_succeeded). Without a model the instructions cannot be applied: the new
    run says so in a progress event (needs_model) and recomputes from the input alone.

    Args:
        id (UUID):
        idempotency_key (str | Unset):
        x_workspace (str | Unset):
        body (FollowUpRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Run
     """


    return sync_detailed(
        id=id,
client=client,
body=body,
idempotency_key=idempotency_key,
x_workspace=x_workspace,

    ).parsed

async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: FollowUpRequest,
    idempotency_key: str | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | Run]:
    """ Follow up a run

     Starts a new run of the same agent version with the parent's input (and the given changes laid over
    it); the model sees the parent's input and output and the instructions. Only a run that succeeded
    can be followed up (409 not_succeeded). Without a model the instructions cannot be applied: the new
    run says so in a progress event (needs_model) and recomputes from the input alone.

    Args:
        id (UUID):
        idempotency_key (str | Unset):
        x_workspace (str | Unset):
        body (FollowUpRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Run]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
idempotency_key=idempotency_key,
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
    body: FollowUpRequest,
    idempotency_key: str | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Error | Run | None:
    """ Follow up a run

     Starts a new run of the same agent version with the parent's input (and the given changes laid over
    it); the model sees the parent's input and output and the instructions. Only a run that succeeded
    can be followed up (409 not_succeeded). Without a model the instructions cannot be applied: the new
    run says so in a progress event (needs_model) and recomputes from the input alone.

    Args:
        id (UUID):
        idempotency_key (str | Unset):
        x_workspace (str | Unset):
        body (FollowUpRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Run
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,
idempotency_key=idempotency_key,
x_workspace=x_workspace,

    )).parsed
