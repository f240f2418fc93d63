from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.run_batch_request import RunBatchRequest
from ...models.run_batch_response import RunBatchResponse
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: RunBatchRequest,
    x_workspace: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_workspace, Unset):
        headers["X-Workspace"] = x_workspace



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/runs/batch/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | RunBatchResponse | None:
    if response.status_code == 200:
        response_200 = RunBatchResponse.from_dict(response.json())



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

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())



        return response_413

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | RunBatchResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: RunBatchRequest,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | RunBatchResponse]:
    """ Start many runs

     Up to 100 run requests, each with its own `idempotency_key`. Each item is validated and budgeted as
    POST /runs would; the new runs are inserted in one transaction and sent to the workers in one
    publish. The answer is 200 whenever the request itself is valid, with one result per item, in order,
    whose `status` is what POST /runs would have answered for it alone: 201 (created), 200 (the earlier
    run of the same key and request: send a batch again safely), or a refusal (402, 409, 413, 422) with
    its `error`. Items are refused on their own, never the batch. A batch counts as its items against
    the rate limit. A request that breaks the schema (no items, more than 100, an item without a key) is
    a 400, and two items with one key a 422 `duplicate_idempotency_key` (a rule the schema cannot
    state); both start nothing (decision 0031).

    Args:
        x_workspace (str | Unset):
        body (RunBatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RunBatchResponse]
     """


    kwargs = _get_kwargs(
        body=body,
x_workspace=x_workspace,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: RunBatchRequest,
    x_workspace: str | Unset = UNSET,

) -> Error | RunBatchResponse | None:
    """ Start many runs

     Up to 100 run requests, each with its own `idempotency_key`. Each item is validated and budgeted as
    POST /runs would; the new runs are inserted in one transaction and sent to the workers in one
    publish. The answer is 200 whenever the request itself is valid, with one result per item, in order,
    whose `status` is what POST /runs would have answered for it alone: 201 (created), 200 (the earlier
    run of the same key and request: send a batch again safely), or a refusal (402, 409, 413, 422) with
    its `error`. Items are refused on their own, never the batch. A batch counts as its items against
    the rate limit. A request that breaks the schema (no items, more than 100, an item without a key) is
    a 400, and two items with one key a 422 `duplicate_idempotency_key` (a rule the schema cannot
    state); both start nothing (decision 0031).

    Args:
        x_workspace (str | Unset):
        body (RunBatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RunBatchResponse
     """


    return sync_detailed(
        client=client,
body=body,
x_workspace=x_workspace,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: RunBatchRequest,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | RunBatchResponse]:
    """ Start many runs

     Up to 100 run requests, each with its own `idempotency_key`. Each item is validated and budgeted as
    POST /runs would; the new runs are inserted in one transaction and sent to the workers in one
    publish. The answer is 200 whenever the request itself is valid, with one result per item, in order,
    whose `status` is what POST /runs would have answered for it alone: 201 (created), 200 (the earlier
    run of the same key and request: send a batch again safely), or a refusal (402, 409, 413, 422) with
    its `error`. Items are refused on their own, never the batch. A batch counts as its items against
    the rate limit. A request that breaks the schema (no items, more than 100, an item without a key) is
    a 400, and two items with one key a 422 `duplicate_idempotency_key` (a rule the schema cannot
    state); both start nothing (decision 0031).

    Args:
        x_workspace (str | Unset):
        body (RunBatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RunBatchResponse]
     """


    kwargs = _get_kwargs(
        body=body,
x_workspace=x_workspace,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: RunBatchRequest,
    x_workspace: str | Unset = UNSET,

) -> Error | RunBatchResponse | None:
    """ Start many runs

     Up to 100 run requests, each with its own `idempotency_key`. Each item is validated and budgeted as
    POST /runs would; the new runs are inserted in one transaction and sent to the workers in one
    publish. The answer is 200 whenever the request itself is valid, with one result per item, in order,
    whose `status` is what POST /runs would have answered for it alone: 201 (created), 200 (the earlier
    run of the same key and request: send a batch again safely), or a refusal (402, 409, 413, 422) with
    its `error`. Items are refused on their own, never the batch. A batch counts as its items against
    the rate limit. A request that breaks the schema (no items, more than 100, an item without a key) is
    a 400, and two items with one key a 422 `duplicate_idempotency_key` (a rule the schema cannot
    state); both start nothing (decision 0031).

    Args:
        x_workspace (str | Unset):
        body (RunBatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RunBatchResponse
     """


    return (await asyncio_detailed(
        client=client,
body=body,
x_workspace=x_workspace,

    )).parsed
