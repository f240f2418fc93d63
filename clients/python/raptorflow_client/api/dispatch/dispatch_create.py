from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.dispatch_request import DispatchRequest
from ...models.error import Error
from ...models.route_decision import RouteDecision
from ...models.run import Run
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: DispatchRequest,
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
        "url": "/api/v1/dispatch/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | RouteDecision | Run | None:
    if response.status_code == 200:
        response_200 = RouteDecision.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | RouteDecision | Run]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: DispatchRequest,
    idempotency_key: str | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | RouteDecision | Run]:
    """ Route a request (and optionally run it)

     Returns the chosen agent, its confidence, the runner-ups and why. With `run: true` and an `input`,
    also starts a run of that agent (201). When no agent fits, `agent` is null with a
    `clarifying_question` that names the two closest agents, and nothing runs. With `run: true`, an
    `Idempotency-Key` works as for POST /runs: the same key and body return the earlier run (200, the
    run), another body with the same key is a 409.

    Args:
        idempotency_key (str | Unset):
        x_workspace (str | Unset):
        body (DispatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RouteDecision | Run]
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
    body: DispatchRequest,
    idempotency_key: str | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Error | RouteDecision | Run | None:
    """ Route a request (and optionally run it)

     Returns the chosen agent, its confidence, the runner-ups and why. With `run: true` and an `input`,
    also starts a run of that agent (201). When no agent fits, `agent` is null with a
    `clarifying_question` that names the two closest agents, and nothing runs. With `run: true`, an
    `Idempotency-Key` works as for POST /runs: the same key and body return the earlier run (200, the
    run), another body with the same key is a 409.

    Args:
        idempotency_key (str | Unset):
        x_workspace (str | Unset):
        body (DispatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RouteDecision | Run
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
    body: DispatchRequest,
    idempotency_key: str | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | RouteDecision | Run]:
    """ Route a request (and optionally run it)

     Returns the chosen agent, its confidence, the runner-ups and why. With `run: true` and an `input`,
    also starts a run of that agent (201). When no agent fits, `agent` is null with a
    `clarifying_question` that names the two closest agents, and nothing runs. With `run: true`, an
    `Idempotency-Key` works as for POST /runs: the same key and body return the earlier run (200, the
    run), another body with the same key is a 409.

    Args:
        idempotency_key (str | Unset):
        x_workspace (str | Unset):
        body (DispatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RouteDecision | Run]
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
    body: DispatchRequest,
    idempotency_key: str | Unset = UNSET,
    x_workspace: str | Unset = UNSET,

) -> Error | RouteDecision | Run | None:
    """ Route a request (and optionally run it)

     Returns the chosen agent, its confidence, the runner-ups and why. With `run: true` and an `input`,
    also starts a run of that agent (201). When no agent fits, `agent` is null with a
    `clarifying_question` that names the two closest agents, and nothing runs. With `run: true`, an
    `Idempotency-Key` works as for POST /runs: the same key and body return the earlier run (200, the
    run), another body with the same key is a 409.

    Args:
        idempotency_key (str | Unset):
        x_workspace (str | Unset):
        body (DispatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RouteDecision | Run
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,
x_workspace=x_workspace,

    )).parsed
