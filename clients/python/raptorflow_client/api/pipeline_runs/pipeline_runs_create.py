from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.pipeline_run import PipelineRun
from ...models.pipeline_run_create_request import PipelineRunCreateRequest
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: PipelineRunCreateRequest,
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
        "url": "/api/v1/pipeline-runs/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | PipelineRun | None:
    if response.status_code == 200:
        response_200 = PipelineRun.from_dict(response.json())



        return response_200

    if response.status_code == 201:
        response_201 = PipelineRun.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | PipelineRun]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PipelineRunCreateRequest,
    idempotency_key: str | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | PipelineRun]:
    """ Start a pipeline run

     201 with the new run; 200 with the earlier one for a repeated Idempotency-Key. The steps start as
    their inputs are ready (steps that need nothing of each other run in parallel); follow them with
    …/events, …/stream or GET. Every step's paid model calls are held against the run's budget first.

    Args:
        idempotency_key (str | Unset):
        x_workspace (str | Unset):
        body (PipelineRunCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PipelineRun]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,
x_workspace=x_workspace,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: PipelineRunCreateRequest,
    idempotency_key: str | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Error | PipelineRun | None:
    """ Start a pipeline run

     201 with the new run; 200 with the earlier one for a repeated Idempotency-Key. The steps start as
    their inputs are ready (steps that need nothing of each other run in parallel); follow them with
    …/events, …/stream or GET. Every step's paid model calls are held against the run's budget first.

    Args:
        idempotency_key (str | Unset):
        x_workspace (str | Unset):
        body (PipelineRunCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PipelineRun
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,
x_workspace=x_workspace,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PipelineRunCreateRequest,
    idempotency_key: str | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | PipelineRun]:
    """ Start a pipeline run

     201 with the new run; 200 with the earlier one for a repeated Idempotency-Key. The steps start as
    their inputs are ready (steps that need nothing of each other run in parallel); follow them with
    …/events, …/stream or GET. Every step's paid model calls are held against the run's budget first.

    Args:
        idempotency_key (str | Unset):
        x_workspace (str | Unset):
        body (PipelineRunCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PipelineRun]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,
x_workspace=x_workspace,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PipelineRunCreateRequest,
    idempotency_key: str | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Error | PipelineRun | None:
    """ Start a pipeline run

     201 with the new run; 200 with the earlier one for a repeated Idempotency-Key. The steps start as
    their inputs are ready (steps that need nothing of each other run in parallel); follow them with
    …/events, …/stream or GET. Every step's paid model calls are held against the run's budget first.

    Args:
        idempotency_key (str | Unset):
        x_workspace (str | Unset):
        body (PipelineRunCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PipelineRun
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,
x_workspace=x_workspace,

    )).parsed
