"""Sign-in by email link (the embedded default), sessions and signing out.

A known address gets a single-use link, valid 15 minutes, by email (the configured SMTP
server) or, with none configured, printed on the server's console so that `make run` needs
no setup. Opening the link shows a confirmation form: only its POST spends the link and
starts the session (mail scanners that follow links change nothing). The session cookie is
HttpOnly, Secure under https and SameSite=Lax; its value (256 bits) is kept only hashed.
Every POST form carries the CSRF token that `web.middleware.CsrfCheck` checks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from obligations.catalogue import N_, gettext
from obligations.lang import Lang
from state.errors import StateError
from state.people import (
    LinkError,
    RateLimitedError,
    ask_signin_link,
    check_signin_link,
    end_session,
    use_signin_link,
)
from web.errors import HttpError
from web.site import SiteData

SESSION_COOKIE = "yp_session"
log = logging.getLogger("yhdyspinta.web")
_LOCAL_PATH = re.compile(r"^/(?![/\\])[^\s]*$")

Mailer = Callable[[str, str, Lang], None]
"""Sends a sign-in link: (address, link, language)."""


def safe_next(value: object) -> str:
    """Where to go after signing in: a path of this site only (never `//elsewhere`)."""
    return value if isinstance(value, str) and len(value) <= 500 and _LOCAL_PATH.match(value) \
        else "/"


def console_mailer(email: str, link: str, lang: Lang) -> None:
    """No SMTP configured: the link goes to the server's console (for `make run`)."""
    print(f"yhdyspinta: sign-in link for {email} (no YHDYSPINTA_SMTP_URL set): {link}",
          flush=True)


def smtp_mailer(smtp_url: str) -> Mailer:
    """Sends the link through the configured SMTP server (the reminders' path)."""
    from notify.smtp import SmtpSender, SmtpServerConfig, build_message
    from state.channels import parse_smtp_url

    parsed = parse_smtp_url(smtp_url)
    config = SmtpServerConfig.from_apprise(parsed)

    def send(email: str, link: str, lang: Lang) -> None:
        intro = gettext("web.signin_mail_text", lang)
        ignore = gettext("web.signin_mail_ignore", lang)
        text = f"{intro}\n\n{link}\n\n{ignore}\n"
        html = (f"<p>{escape(intro)}</p>"
                f'<p><a href="{escape(link)}">{escape(gettext("web.signin", lang))}</a></p>'
                f"<p>{escape(ignore)}</p>")
        message = build_message(config, to=email, subject=gettext("web.signin_mail_subject", lang),
                                text=text, html=html, ics=None,
                                headers={"Auto-Submitted": "auto-generated"})
        sender = SmtpSender(config)
        try:
            sender.send(message)
        finally:
            sender.close()

    return send


_LINK_PROBLEMS = {"expired": N_("web.signin_link_expired"), "used": N_("web.signin_link_used"),
                  "unknown": N_("web.signin_link_unknown")}


class SignIn:
    """The sign-in endpoints; pages are rendered by `render(request, template, values)`."""

    def __init__(self, site: SiteData, render: Callable[..., Response],
                 language: Callable[[Request], Lang], secure: bool,
                 mailer: Mailer | None = None, oidc_label: str | None = None,
                 oidc: bool = False) -> None:
        self.site = site
        self.oidc = oidc
        """True when an OpenID Connect provider is configured (its button is offered)."""
        self.oidc_label = oidc_label
        self.render = render
        self.language = language
        self.secure = secure
        self.mailer = mailer or (smtp_mailer(site.smtp_url) if site.smtp_url
                                 else console_mailer)

    def now(self) -> datetime:
        return self.site.now()

    async def form(self, request: Request) -> Response:
        """GET: the form asking for the address; POST: a link sent (if the address is known)."""
        lang = self.language(request)
        next_path = safe_next(request.query_params.get("next"))
        if request.method != "POST":
            return await run_in_threadpool(self.render, request, "signin.html",
                                           self._values(next_path, None, None))
        async with request.form(max_files=0, max_fields=8) as form:
            email = form.get("email")
            next_path = safe_next(form.get("next"))
        email = email.strip() if isinstance(email, str) else ""
        client = request.client.host if request.client else "unknown"
        return await run_in_threadpool(self._send, request, lang, email, client, next_path)

    def _send(self, request: Request, lang: Lang, email: str, client: str,
              next_path: str) -> Response:
        try:
            asked = ask_signin_link(self.site.engine, email, client, now=self.now())
        except RateLimitedError:
            problem = gettext("web.signin_limited", lang)
            return self.render(request, "signin.html", self._values(next_path, None, problem),
                               status=429)
        except StateError:
            problem = gettext("web.signin_bad_email", lang)
            return self.render(request, "signin.html", self._values(next_path, None, problem),
                               status=400)
        if asked is not None:
            token, person = asked
            base = self.site.public_url.rstrip("/")
            link = f"{base}/signin/link?" + urlencode({"token": token, "next": next_path,
                                                       "lang": lang})
            try:
                self.mailer(person.email, link, lang)
            except Exception:  # the page says the same either way: no address is revealed
                log.exception("a sign-in link could not be sent")
        return self.render(request, "signin.html", self._values(next_path, email[:320], None))

    def _values(self, next_path: str, sent: str | None, problem: str | None) -> dict[str, Any]:
        """The sign-in page's values: the provider's button when one is configured."""
        return {"next": next_path, "sent": sent, "problem": problem, "oidc": self.oidc,
                "oidc_label": self.oidc_label}

    async def link(self, request: Request) -> Response:
        """GET: the confirmation form (nothing changes); POST: the link spent, session begun."""
        lang = self.language(request)
        if request.method != "POST":
            token = request.query_params.get("token", "")
            next_path = safe_next(request.query_params.get("next"))
            return await run_in_threadpool(self._confirm, request, lang, token, next_path)
        async with request.form(max_files=0, max_fields=8) as form:
            given = form.get("token")
            next_path = safe_next(form.get("next"))
        token = given if isinstance(given, str) else ""
        return await run_in_threadpool(self._start, request, lang, token, next_path)

    def _link_error(self, lang: Lang, error: LinkError) -> HttpError:
        return HttpError(410 if error.reason in ("expired", "used") else 400,
                         gettext(_LINK_PROBLEMS[error.reason], lang))

    def _confirm(self, request: Request, lang: Lang, token: str, next_path: str) -> Response:
        try:
            email = check_signin_link(self.site.engine, token, now=self.now())
        except LinkError as error:
            raise self._link_error(lang, error) from None
        return self.render(request, "signin_confirm.html", {"email": email, "token": token,
                                                            "next": next_path})

    def _start(self, request: Request, lang: Lang, token: str, next_path: str) -> Response:
        try:
            session_id, _ = use_signin_link(self.site.engine, token, now=self.now(),
                                            lifetime=self.site.session_lifetime)
        except LinkError as error:
            raise self._link_error(lang, error) from None
        response = Response(status_code=303, headers={"location": next_path,
                                                      "cache-control": "no-store"})
        response.set_cookie(SESSION_COOKIE, session_id,
                            max_age=int(self.site.session_lifetime.total_seconds()),
                            secure=self.secure, httponly=True, samesite="lax")
        return response

    def signout(self, request: Request) -> Response:
        """End the session in the store and forget the cookie."""
        end_session(self.site.engine, request.cookies.get(SESSION_COOKIE), now=self.now())
        response = Response(status_code=303, headers={"location": "/",
                                                      "cache-control": "no-store"})
        response.delete_cookie(SESSION_COOKIE, secure=self.secure, httponly=True,
                               samesite="lax")
        return response
