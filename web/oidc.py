"""Sign-in through an OpenID Connect provider (Microsoft Entra ID or any standard one).

The authorization code flow with PKCE (S256), `state` and `nonce`, through Authlib's
Starlette client: discovery (`{issuer}/.well-known/openid-configuration`), the
authorization URL, the code exchange and the ID token's check against the issuer's keys
(its JWKS, fetched again when a token names an unknown key) are Authlib's. Ours are where
the flow's secrets wait between the two requests, and who the person is:

- `state`, `nonce` and the PKCE `code_verifier` wait in a cookie (`yp_oidc`) signed with the
  site's secret key (itsdangerous), HttpOnly, SameSite=Lax (the provider's redirect back is a
  cross-site top-level GET, which Lax lets through), for `/signin/oidc` only and for
  `FLOW_SECONDS`. Not Starlette's SessionMiddleware (the project has none: sessions are in
  the store) and not a table (a row per click on the button, for an attacker to fill). The
  callback clears it whatever happens, so a flow is used once.
- The ID token must be signed by one of the issuer's keys with an algorithm the issuer
  announces, be for our client id (`aud`, `azp`), carry our nonce and be unexpired (a
  minute's leeway). The discovery document must name the configured issuer.
- The person is the one of the store with the token's email address, when the provider
  says the address is verified (`email_verified`, or Entra ID's `xms_edov`: the domain's
  owner verified it). Nobody is created: an unknown address gets a page saying so. The
  session is the store's, as after an email link.

Every failure is a page in the reader's language (the one chosen when the button was
pressed): never a traceback, never the token or the secret in a log.
"""

from __future__ import annotations

import hmac
import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from itsdangerous import BadSignature, URLSafeTimedSerializer
from joserfc.errors import JoseError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from obligations.catalogue import N_, gettext
from obligations.lang import LANGS, Lang
from state.errors import StateError
from state.people import Person, person_by_email, start_session
from web.signin import SESSION_COOKIE, safe_next
from web.site import SiteData

with warnings.catch_warnings():
    # Authlib 1.9 prefers httpx2 and says so on import; the project's httpx is what it
    # falls back to, with the same API (pinned: constraints.txt). `authlib.deprecate`
    # puts an "always" filter first when imported, so it is imported before ours.
    import authlib.deprecate

    warnings.filterwarnings("ignore", "The httpx module is deprecated",
                            category=authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.starlette_client import OAuth

log = logging.getLogger("yhdyspinta.web")

FLOW_COOKIE = "yp_oidc"
FLOW_PATH = "/signin/oidc"
CALLBACK_PATH = "/signin/oidc/callback"
FLOW_SECONDS = 600
"""How long a started sign-in may take at the provider."""
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                      "ES512", "EdDSA")
"""ID token signatures accepted (what the issuer announces, of these)."""
_ERROR_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")

PROBLEMS = {
    "flow": N_("web.oidc_problem.flow"),
    "state": N_("web.oidc_problem.state"),
    "provider": N_("web.oidc_problem.provider"),
    "unreachable": N_("web.oidc_problem.unreachable"),
    "token": N_("web.oidc_problem.token"),
    "unverified": N_("web.oidc_problem.unverified"),
    "unknown": N_("web.oidc_problem.unknown"),
}
_STATUS = {"flow": 400, "state": 400, "provider": 400, "unreachable": 502, "token": 400,
           "unverified": 403, "unknown": 403}


@dataclass(frozen=True, slots=True)
class OidcConfig:
    """The provider, from the settings (`YHDYSPINTA_OIDC_*`)."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    label: str | None = None
    scope: str = "openid email profile"

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


class SignInFailedError(Exception):
    """Why an OpenID sign-in ended without a session (a key of `PROBLEMS`)."""

    def __init__(self, reason: str, **fields: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fields = fields


def verified_email(claims: dict[str, Any]) -> str | None:
    """The token's email address if the provider vouches for it, else None.

    `email_verified` is the standard claim (some providers send it as the string "true");
    Entra ID sends none, but its optional `xms_edov` claim says that the address's domain
    is verified as the tenant's.
    """
    email = claims.get("email")
    if not isinstance(email, str) or not email:
        return None
    vouched = any(claims.get(name) in (True, "true", "1", 1)
                  for name in ("email_verified", "xms_edov"))
    return email if vouched else None


class OidcSignIn:
    """`/signin/oidc` (POST: off to the provider) and its callback (the provider's answer)."""

    def __init__(self, site: SiteData, config: OidcConfig, render: Callable[..., Response],
                 language: Callable[[Request], Lang], secure: bool) -> None:
        self.site = site
        self.config = config
        self.render = render
        self.language = language
        self.secure = secure
        self.flows = URLSafeTimedSerializer(site.secret_key, salt="yhdyspinta.oidc-flow")
        self.client: Any = OAuth().register(
            "oidc", client_id=config.client_id, client_secret=config.client_secret,
            server_metadata_url=config.discovery_url,
            client_kwargs={"scope": config.scope, "code_challenge_method": "S256",
                           "timeout": 15})

    @property
    def redirect_uri(self) -> str:
        """The address to register at the provider (`{public URL}/signin/oidc/callback`)."""
        return self.site.public_url.rstrip("/") + CALLBACK_PATH

    async def _metadata(self) -> dict[str, Any]:
        """The provider's discovery document, once it names the configured issuer."""
        try:
            metadata: dict[str, Any] = await self.client.load_server_metadata()
        except (httpx.HTTPError, ValueError):
            log.warning("the OpenID provider's discovery document could not be read")
            raise SignInFailedError("unreachable") from None
        if metadata.get("issuer") != self.config.issuer:
            self.client.server_metadata.clear()  # read again next time
            log.warning("the OpenID provider's discovery document names another issuer")
            raise SignInFailedError("unreachable")
        # Only signatures with the issuer's public keys: never "none", never a MAC.
        announced = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        metadata["id_token_signing_alg_values_supported"] = [
            alg for alg in announced if alg in SIGNING_ALGORITHMS] or ["RS256"]
        return metadata

    async def start(self, request: Request) -> Response:
        """GET: remember state, nonce and verifier in the flow cookie; go to the provider.

        A link, not a form: the pages' CSP (`form-action 'self'`) would stop a form's
        redirect to the provider. Starting a flow holds no credential, so a GET is safe:
        only the provider's answer to this browser's own flow cookie signs anyone in.
        """
        lang = self.language(request)
        next_path = safe_next(request.query_params.get("next"))
        try:
            await self._metadata()
            flow = await self.client.create_authorization_url(self.redirect_uri,
                                                              ui_locales=lang)
        except SignInFailedError as problem:
            return await run_in_threadpool(self.problem, request, lang, problem, next_path)
        cookie = self.flows.dumps({"state": flow["state"], "nonce": flow["nonce"],
                                   "verifier": flow["code_verifier"], "next": next_path,
                                   "lang": lang})
        response = Response(status_code=303, headers={"location": flow["url"],
                                                      "cache-control": "no-store"})
        response.set_cookie(FLOW_COOKIE, cookie, max_age=FLOW_SECONDS, path=FLOW_PATH,
                            secure=self.secure, httponly=True, samesite="lax")
        return response

    async def callback(self, request: Request) -> Response:
        """GET from the provider: check state, exchange the code, check the ID token."""
        flow = self._flow(request.cookies.get(FLOW_COOKIE))
        chosen = flow["lang"] if flow is not None else None
        lang: Lang = next((known for known in LANGS if known == chosen), self.language(request))
        try:
            person = await self._person(request, flow)
            session_id = await run_in_threadpool(
                start_session, self.site.engine, person, now=self.site.now(),
                lifetime=self.site.session_lifetime)
        except SignInFailedError as problem:
            response = await run_in_threadpool(self.problem, request, lang, problem,
                                               flow["next"] if flow is not None else "/")
        else:
            assert flow is not None
            response = Response(status_code=303, headers={"location": safe_next(flow["next"]),
                                                          "cache-control": "no-store"})
            response.set_cookie(SESSION_COOKIE, session_id,
                                max_age=int(self.site.session_lifetime.total_seconds()),
                                secure=self.secure, httponly=True, samesite="lax")
        response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH, secure=self.secure,
                               httponly=True, samesite="lax")
        return response

    def _flow(self, cookie: str | None) -> dict[str, str] | None:
        if not cookie or len(cookie) > 2000:
            return None
        try:
            flow = self.flows.loads(cookie, max_age=FLOW_SECONDS)
        except BadSignature:  # SignatureExpired included
            return None
        keys = ("state", "nonce", "verifier", "next", "lang")
        if not isinstance(flow, dict) or not all(isinstance(flow.get(k), str) for k in keys):
            return None
        return {k: flow[k] for k in keys}

    async def _person(self, request: Request, flow: dict[str, str] | None) -> Person:
        query = request.query_params
        error = query.get("error")
        if error is not None:
            code = error if _ERROR_CODE.match(error) else "invalid"
            raise SignInFailedError("provider", error=code)
        if flow is None:
            raise SignInFailedError("flow")
        state, code = query.get("state", ""), query.get("code", "")
        if not state or not hmac.compare_digest(state.encode(), flow["state"].encode()):
            raise SignInFailedError("state")
        if not code or len(code) > 4000:
            raise SignInFailedError("provider", error="invalid_request")
        await self._metadata()
        try:
            token = await self.client.fetch_access_token(
                redirect_uri=self.redirect_uri, code=code, code_verifier=flow["verifier"])
        except OAuthError as refused:
            code = refused.error if isinstance(refused.error, str) \
                and _ERROR_CODE.match(refused.error) else "invalid"
            raise SignInFailedError("provider", error=code) from None
        except (httpx.HTTPError, ValueError):
            log.warning("the OpenID provider's token endpoint could not be used")
            raise SignInFailedError("unreachable") from None
        if not isinstance(token, dict) or not isinstance(token.get("id_token"), str):
            raise SignInFailedError("token")
        try:
            claims = await self.client.parse_id_token(token, nonce=flow["nonce"], leeway=60)
        except (JoseError, ValueError) as invalid:
            log.warning("an ID token was refused: %s", type(invalid).__name__)
            raise SignInFailedError("token") from None
        except httpx.HTTPError:
            log.warning("the OpenID provider's keys could not be read")
            raise SignInFailedError("unreachable") from None
        email = verified_email(dict(claims))
        if email is None:
            raise SignInFailedError("unverified")
        try:
            person = await run_in_threadpool(person_by_email, self.site.engine, email)
        except StateError:
            person = None
        if person is None:
            raise SignInFailedError("unknown", email=email[:320])
        return person

    def problem(self, request: Request, lang: Lang, problem: SignInFailedError,
                next_path: str) -> Response:
        """The page of a sign-in that failed, in the language it began in.

        Rendered as `/signin?lang=…`, so that the page's language switch leads to the
        sign-in page and not back to the spent callback.
        """
        scope = {**request.scope, "path": "/signin",
                 "query_string": f"lang={lang}".encode()}
        message = gettext(PROBLEMS[problem.reason], lang, **problem.fields)
        return self.render(Request(scope), "signin_problem.html",
                           {"message": message, "next": safe_next(next_path),
                            "oidc_label": self.config.label},
                           status=_STATUS[problem.reason])
