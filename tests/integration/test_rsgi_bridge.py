"""`AsgiOverRsgi` under a real Granian on its RSGI interface (tests/rsgi_echo.py).

The pages and API reach `yhdyspinta serve` through this bridge; the browser, OpenID and
feed server tests drive them there. These tests cover what those do not reach: bodies in
chunks, streamed answers, a client leaving mid-stream, and a bug outside the app's own
error handling.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from tests.servers import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bridge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    port = free_port()
    log = tmp_path_factory.mktemp("rsgi") / "granian.log"
    with log.open("wb") as handle:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "granian"), "--interface", "rsgi", "--http", "1",
             "--no-ws", "--host", "127.0.0.1", "--port", str(port), "--log-level", "info",
             "--no-access-log", "tests.rsgi_echo:app"],
            cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_answering(f"{url}/echo/up", server, log, 60)
            yield url, log
        finally:
            server.terminate()
            server.wait(timeout=30)


def _request(url: str, method: str = "GET", body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_scope_reaches_the_app_as_asgi_has_it(bridge):
    url, _ = bridge
    port = int(url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", "/echo/a%20b/%C3%A4?x=%20y&z=1")
    connection.putheader("Cookie", "a=1")
    connection.putheader("Cookie", "b=2")
    connection.putheader("X-Long", "ä".encode().decode("latin-1"))
    connection.endheaders()
    response = connection.getresponse()
    seen = json.loads(response.read())
    connection.close()
    assert response.status == 200
    assert seen["path"] == "/echo/a b/ä"  # percent-decoded, as ASGI's `path` is
    assert seen["query"] == "x=%20y&z=1"  # raw, as ASGI's `query_string` is
    assert seen["params"] == {"x": " y", "z": "1"}
    assert (seen["method"], seen["scheme"], seen["http_version"]) == ("GET", "http", "1.1")
    assert seen["client"][0] == "127.0.0.1"
    assert isinstance(seen["client"][1], int)
    assert seen["server"] == ["127.0.0.1", port]
    assert seen["cookies"] == {"a": "1", "b": "2"}  # both Cookie headers, in order
    assert all(name == name.lower() for name, _ in seen["headers"])


def test_a_head_request_keeps_the_length_and_sends_no_body(bridge):
    url, _ = bridge
    status, headers, body = _request(f"{url}/text", "HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["content-length"]) == len(b"kiitos\n")
    assert _request(f"{url}/text")[2] == b"kiitos\n"


def test_a_body_arrives_in_chunks_and_a_large_one_is_refused(bridge):
    url, _ = bridge
    status, _, answer = _request(f"{url}/upload", "POST", b"y" * 50_000)
    assert status == 200
    assert json.loads(answer)["size"] == 50_000
    status, _, answer = _request(f"{url}/form", "POST", b"name=Maija&town=Kajaani",
                                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert (status, json.loads(answer)) == (200, {"name": "Maija", "town": "Kajaani"})
    # Declared too large: refused before the body is read; sent without a length (chunked):
    # refused once the chunks read pass the limit.
    assert _request(f"{url}/upload", "POST", b"y" * 100_000)[0] == 413
    port = int(url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("POST", "/upload", body=iter([b"y" * 40_000] * 3),
                       encode_chunked=True)
    assert connection.getresponse().status == 413
    connection.close()


def test_a_streamed_answer_and_its_cookies(bridge):
    url, _ = bridge
    status, headers, body = _request(f"{url}/stream")
    assert (status, body) == (200, b"part 0\npart 1\npart 2\n")
    cookies = headers.get_all("set-cookie") or []
    assert [c.split(";")[0] for c in cookies] == ["a=1", "b=2"]
    assert _request(f"{url}/refused")[0] == 418


def test_a_client_that_leaves_mid_stream_stops_the_stream(bridge):
    url, log = bridge
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(b"GET /endless?name=left HTTP/1.1\r\nHost: x\r\n\r\n")
        assert client.recv(65536).startswith(b"HTTP/1.1 200")
    deadline = time.monotonic() + 20
    while "left" not in _request(f"{url}/stopped")[2].decode():
        assert time.monotonic() < deadline, "the stream ran on after the client left"
        time.sleep(0.1)
    assert "Traceback" not in log.read_text()


def test_a_bug_outside_the_app_is_a_500_logged_once(bridge):
    url, log = bridge
    status, _, body = _request(f"{url}/bug")
    assert (status, body) == (500, b"")
    assert _request(f"{url}/silent")[0] == 500  # an app that never answers
    assert _request(f"{url}/oserror")[0] == 500  # not a client that left: nothing began
    assert _request(f"{url}/echo/after")[0] == 200  # and the worker serves on
    text = log.read_text()
    assert text.count("ValueError: a bug outside any error handling") == 1
    assert "the app returned without an answer" in text
    assert text.count("OSError: a disk that failed before any answer") == 1


def test_a_store_that_cannot_be_read_stops_the_worker_in_one_line(tmp_path, monkeypatch,
                                                                   caplog):
    from web.server import create

    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    app = create()  # an empty database: no tables to read the feeds from
    with pytest.raises(SystemExit) as stopped:
        app.__rsgi_init__(None)
    app.feeds.engine.dispose()
    assert stopped.value.code == 1
    [record] = [r for r in caplog.records if r.name == "yhdyspinta.web"]
    assert record.getMessage().startswith("the server could not load the store: ")
    assert "\n" not in record.getMessage()
    assert record.exc_info is None
