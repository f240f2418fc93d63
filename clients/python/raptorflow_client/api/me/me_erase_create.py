from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.erase_request import EraseRequest
from ...models.error import Error
from typing import cast



def _get_kwargs(
    *,
    body: EraseRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/me/erase/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Error | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: EraseRequest,

) -> Response[Any | Error]:
    """ Erase your account

     Send `{"confirm": "erase my account"}`. Your account is anonymised (username, email and name
    replaced, password unusable), your API keys revoked, your memberships and sessions ended (this one
    too), your sign-in records deleted, and the audit trail keeps only keyed digests of your name,
    addresses and user agents. Runs you started stay in their workspaces, attributed to the erased user.
    Refused with 409 `last_owner` while you are a workspace's last owner. Audited as `user.erase`.
    Cannot be undone: export first.

    Args:
        body (EraseRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: EraseRequest,

) -> Any | Error | None:
    """ Erase your account

     Send `{"confirm": "erase my account"}`. Your account is anonymised (username, email and name
    replaced, password unusable), your API keys revoked, your memberships and sessions ended (this one
    too), your sign-in records deleted, and the audit trail keeps only keyed digests of your name,
    addresses and user agents. Runs you started stay in their workspaces, attributed to the erased user.
    Refused with 409 `last_owner` while you are a workspace's last owner. Audited as `user.erase`.
    Cannot be undone: export first.

    Args:
        body (EraseRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: EraseRequest,

) -> Response[Any | Error]:
    """ Erase your account

     Send `{"confirm": "erase my account"}`. Your account is anonymised (username, email and name
    replaced, password unusable), your API keys revoked, your memberships and sessions ended (this one
    too), your sign-in records deleted, and the audit trail keeps only keyed digests of your name,
    addresses and user agents. Runs you started stay in their workspaces, attributed to the erased user.
    Refused with 409 `last_owner` while you are a workspace's last owner. Audited as `user.erase`.
    Cannot be undone: export first.

    Args:
        body (EraseRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: EraseRequest,

) -> Any | Error | None:
    """ Erase your account

     Send `{"confirm": "erase my account"}`. Your account is anonymised (username, email and name
    replaced, password unusable), your API keys revoked, your memberships and sessions ended (this one
    too), your sign-in records deleted, and the audit trail keeps only keyed digests of your name,
    addresses and user agents. Runs you started stay in their workspaces, attributed to the erased user.
    Refused with 409 `last_owner` while you are a workspace's last owner. Audited as `user.erase`.
    Cannot be undone: export first.

    Args:
        body (EraseRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
