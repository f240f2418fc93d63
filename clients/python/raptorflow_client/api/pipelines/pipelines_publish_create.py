from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.pipeline import Pipeline
from ...models.pipeline_publish_request import PipelinePublishRequest
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    slug: str,
    *,
    body: PipelinePublishRequest,
    x_workspace: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_workspace, Unset):
        headers["X-Workspace"] = x_workspace



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/pipelines/{slug}/publish/".format(slug=quote(str(slug), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Pipeline | None:
    if response.status_code == 200:
        response_200 = Pipeline.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Pipeline]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    slug: str,
    *,
    client: AuthenticatedClient,
    body: PipelinePublishRequest,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | Pipeline]:
    """ Publish a draft version

     Checks the draft again and publishes it; new runs use it. Only the workspace's own pipelines
    (platform pipelines are published by staff in the admin).

    Args:
        slug (str):
        x_workspace (str | Unset):
        body (PipelinePublishRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Pipeline]
     """


    kwargs = _get_kwargs(
        slug=slug,
body=body,
x_workspace=x_workspace,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    slug: str,
    *,
    client: AuthenticatedClient,
    body: PipelinePublishRequest,
    x_workspace: str | Unset = UNSET,

) -> Error | Pipeline | None:
    """ Publish a draft version

     Checks the draft again and publishes it; new runs use it. Only the workspace's own pipelines
    (platform pipelines are published by staff in the admin).

    Args:
        slug (str):
        x_workspace (str | Unset):
        body (PipelinePublishRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Pipeline
     """


    return sync_detailed(
        slug=slug,
client=client,
body=body,
x_workspace=x_workspace,

    ).parsed

async def asyncio_detailed(
    slug: str,
    *,
    client: AuthenticatedClient,
    body: PipelinePublishRequest,
    x_workspace: str | Unset = UNSET,

) -> Response[Error | Pipeline]:
    """ Publish a draft version

     Checks the draft again and publishes it; new runs use it. Only the workspace's own pipelines
    (platform pipelines are published by staff in the admin).

    Args:
        slug (str):
        x_workspace (str | Unset):
        body (PipelinePublishRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Pipeline]
     """


    kwargs = _get_kwargs(
        slug=slug,
body=body,
x_workspace=x_workspace,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    slug: str,
    *,
    client: AuthenticatedClient,
    body: PipelinePublishRequest,
    x_workspace: str | Unset = UNSET,

) -> Error | Pipeline | None:
    """ Publish a draft version

     Checks the draft again and publishes it; new runs use it. Only the workspace's own pipelines
    (platform pipelines are published by staff in the admin).

    Args:
        slug (str):
        x_workspace (str | Unset):
        body (PipelinePublishRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Pipeline
     """


    return (await asyncio_detailed(
        slug=slug,
client=client,
body=body,
x_workspace=x_workspace,

    )).parsed
