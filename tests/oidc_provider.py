"""A small real OpenID Connect provider on 127.0.0.1, for the sign-in tests.

Built from Authlib's provider side: its `AuthorizationServer`, the authorization code grant
with the `CodeChallenge` (PKCE, S256 required) and `OpenIDCode` (nonce required)
extensions, served by Starlette under uvicorn in a thread on a free port. It serves
discovery, JWKS, authorize (a page with a form: who signs in) and token endpoints, and
signs ID tokens with its own RSA key.

To test refusals it can misbehave on purpose (`Provider.misbehave`): answer with another
state, sign the ID token with a key it does not publish, put in another nonce, another
audience or an expired token, or refuse at the authorize step.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import uvicorn
from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Request
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from tests.servers import free_port

CLIENT_ID = "yhdyspinta-test"
CLIENT_SECRET = "provider-test-secret-" + secrets.token_hex(8)


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uris: list[str] = field(default_factory=list)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in ("openid", "email", "profile"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict[str, Any]
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class _Request(OAuth2Request):  # type: ignore[misc]
    def __init__(self, method: str, uri: str, headers: Any, data: dict[str, str]) -> None:
        super().__init__(method, uri, headers=headers)
        self.payload = BasicOAuth2Payload(data)
        self._data = data

    @property
    def args(self) -> dict[str, str]:
        return self._data

    @property
    def form(self) -> dict[str, str]:
        return self._data


class Provider:
    """The provider's state: its key, its client, its people, what it does wrong on purpose."""

    def __init__(self, port: int, redirect_uri: str) -> None:
        self.port = port
        self.issuer = f"http://127.0.0.1:{port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "provider-key", "use": "sig",
                                                         "alg": "RS256"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "provider-key"})
        self.client = Client(CLIENT_ID, CLIENT_SECRET, [redirect_uri])
        self.codes: dict[str, Code] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.misbehave: str | None = None
        """None, "state", "signature", "nonce", "audience", "expired" or "deny"."""
        self.token_requests: list[dict[str, str]] = []
        self.server = self._server()

    def add_user(self, email: str, name: str, *, verified: bool | None = True,
                 login: str | None = None, **claims: Any) -> None:
        """Someone who can sign in here (as `login`, default the address); `verified` None
        leaves `email_verified` out, as Entra ID does."""
        user = {"sub": "sub-" + base64.urlsafe_b64encode(email.encode()).decode(),
                "email": email, "name": name, **claims}
        if verified is not None:
            user["email_verified"] = verified
        self.users[login or email] = user

    # --- Authlib's authorization server ---------------------------------------------

    def _server(self) -> AuthorizationServer:
        provider = self

        class Server(AuthorizationServer):  # type: ignore[misc]
            def query_client(self, client_id: str) -> Client | None:
                return provider.client if client_id == provider.client.client_id else None

            def save_token(self, token: dict[str, Any], request: Any) -> None:
                pass

            def create_oauth2_request(self, request: Any) -> Any:
                return request  # already built by `Provider._request`

            def handle_response(self, status: int, body: Any, headers: Any) -> Response:
                if isinstance(body, dict):
                    return JSONResponse(body, status, dict(headers))
                return Response(body, status, dict(headers))

            def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
                pass

        class Grant(AuthorizationCodeGrant):  # type: ignore[misc]
            TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic",
                                                                "client_secret_post"]

            def save_authorization_code(self, code: str, request: Any) -> None:
                data = request.payload.data
                provider.codes[code] = Code(
                    code, request.client.client_id, data["redirect_uri"], data["scope"],
                    request.user, data.get("nonce"), data.get("code_challenge"),
                    data.get("code_challenge_method"))

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                found = provider.codes.get(code)
                return found if found is not None and found.client_id == client.client_id \
                    else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> dict[str, Any]:
                return authorization_code.user

        class OpenId(OpenIDCode):  # type: ignore[misc]
            def resolve_client_private_key(self, client: Client) -> RSAKey:
                return provider.key

            def get_client_algorithm(self, client: Client) -> str:
                return "RS256"

            def get_encode_header(self, client: Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": "provider-key"}

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                return {"iss": provider.issuer, "aud": [client.get_client_id()]}

            def exists_nonce(self, nonce: str, request: Any) -> bool:
                return any(c.nonce == nonce for c in provider.codes.values())

            def generate_user_info(self, user: dict[str, Any], scope: str) -> UserInfo:
                return UserInfo(user)

        server = Server()
        server.register_token_generator("default", BearerTokenGenerator(
            lambda *args, **kwargs: secrets.token_urlsafe(32)))
        server.register_grant(Grant, [CodeChallenge(required=True), OpenId(require_nonce=True)])
        return server

    async def _request(self, request: Request) -> _Request:
        data = dict(request.query_params)
        if request.method == "POST":
            async with request.form() as form:
                data.update({k: str(v) for k, v in form.items()})
        return _Request(request.method, str(request.url), request.headers, data)

    # --- endpoints ------------------------------------------------------------------

    def discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                      "client_secret_post"],
            "scopes_supported": ["openid", "email", "profile"],
        })

    def jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def authorize(self, request: Request) -> Response:
        """GET: who signs in (a form); POST: the code, back to the client."""
        oauth_request = await self._request(request)
        if request.method == "GET":
            grant = self.server.get_consent_grant(oauth_request)  # checks client, PKCE, nonce
            hidden = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
                             for k, v in oauth_request.payload.data.items())
            return HTMLResponse(
                f'<!doctype html><html lang="en"><head><title>Test provider</title></head>'
                f'<body><main><h1>Test provider: sign in to {escape(grant.client.client_id)}'
                f'</h1><form method="post" action="/authorize">{hidden}'
                f'<label for="login">Account</label><input id="login" name="login">'
                f'<button type="submit">Continue</button></form></main></body></html>')
        user = None if self.misbehave == "deny" \
            else self.users.get(oauth_request.payload.data.get("login", ""))
        grant = self.server.get_consent_grant(oauth_request, end_user=user)
        response: Response = self.server.create_authorization_response(
            oauth_request, grant_user=user, grant=grant)
        if self.misbehave == "state":
            response.headers["location"] = _with_query(response.headers["location"],
                                                       state="not-the-state")
        return response

    async def token(self, request: Request) -> Response:
        oauth_request = await self._request(request)
        self.token_requests.append(dict(oauth_request.payload.data))
        response: Response = self.server.create_token_response(oauth_request)
        if response.status_code != 200 or self.misbehave is None:
            return response
        body = json.loads(bytes(response.body))
        body["id_token"] = self._spoil(body["id_token"])
        return JSONResponse(body, headers={"cache-control": "no-store"})

    def _spoil(self, id_token: str) -> str:
        """The ID token as a broken or malicious provider would send it."""
        header, claims = _unverified(id_token)
        if self.misbehave == "signature":  # signed with a key the JWKS does not hold
            return jwt.encode(header, claims, self.other_key)
        if self.misbehave == "nonce":
            claims["nonce"] = "another-nonce"
        elif self.misbehave == "audience":
            claims["aud"] = ["another-client"]
        elif self.misbehave == "expired":
            claims["iat"], claims["exp"] = int(time.time()) - 7200, int(time.time()) - 3600
        return jwt.encode(header, claims, self.key)

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/jwks", self.jwks),
            Route("/authorize", self.authorize, methods=["GET", "POST"]),
            Route("/token", self.token, methods=["POST"]),
        ])


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return _part(header), _part(payload)


def _part(part: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


@contextmanager
def running_provider(redirect_uri: str) -> Iterator[Provider]:
    """The provider on a free port of 127.0.0.1 until the block ends.

    Plain http on the loopback: Authlib's server refuses that unless told
    (AUTHLIB_INSECURE_TRANSPORT, set for this test process only).
    """
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    provider = Provider(free_port(), redirect_uri)
    server = uvicorn.Server(uvicorn.Config(provider.app(), host="127.0.0.1", port=provider.port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "the provider did not start"
        assert time.monotonic() < deadline, "the provider did not start in time"
        time.sleep(0.05)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
