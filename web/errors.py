"""What a refused request is: Starlette's HTTPException, with the words to show.

Pages and API raise `HttpError`; Starlette itself raises a plain `HTTPException` (no such
route, a method the route does not take, a body too large). `web/server.py` turns both
into a page in the reader's language or an API error object.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException

METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class HttpError(HTTPException):
    """A 4xx answer: the message to show, and (for the API) the parameter at fault.

    Pages raise it with the message already in the reader's language.
    """

    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(status, message)
        self.parameter = parameter


def allowed_methods(error: HTTPException) -> str:
    """The methods a 405 names, in a stable order (Starlette keeps them in a set)."""
    given = (error.headers or {}).get("Allow") or "GET, HEAD"
    methods = {m.strip().upper() for m in given.split(",") if m.strip()}
    return ", ".join(sorted(methods, key=lambda m: (METHOD_ORDER.index(m)
                                                     if m in METHOD_ORDER else 99, m)))
