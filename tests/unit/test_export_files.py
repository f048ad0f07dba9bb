"""Static exports: readable by others (0755/0644), and a killed export leaves nothing behind."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.publish import export
from calendars.feeds import FeedSpec
from obligations.parties import PartyRef

SPEC = FeedSpec(id="pair-205", kind="pair", party=PartyRef.of_municipality("205"), role=None,
                obligation=None, default_lang="fi")


class FakeRenderer:
    def __init__(self, fail_after: int | None = None) -> None:
        self.rendered = 0
        self.fail_after = fail_after

    def render(self, spec: FeedSpec, lang: str) -> bytes:
        self.rendered += 1
        if self.fail_after is not None and self.rendered > self.fail_after:
            raise RuntimeError("renderer broke")
        return f"BEGIN:VCALENDAR\r\nX-LANG:{lang}\r\nEND:VCALENDAR\r\n".encode()

    def feed_name(self, spec: FeedSpec, lang: str) -> str:
        return f"{spec.id} {lang}"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o077, 0o022, 0o002])
def test_modes_whatever_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        export(tmp_path, FakeRenderer(), (SPEC,), "https://hyte.example.fi")  # type: ignore[arg-type]
    finally:
        os.umask(old)
    feeds = tmp_path / "feeds"
    assert _mode(feeds) == 0o755
    names = sorted(p.name for p in feeds.iterdir())
    assert names == ["index.html", "index.json", "pair-205.en.ics", "pair-205.fi.ics",
                     "pair-205.ics", "pair-205.sv.ics"]
    assert {p.name: _mode(p) for p in feeds.iterdir()} == dict.fromkeys(names, 0o644)


def test_a_staging_folder_of_a_killed_export_is_removed_by_the_next(tmp_path):
    """kill -9 in the middle of an export: the next one clears what it left."""
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "sys.path[:0] = [sys.argv[2]]\n"
        "from tests.unit.test_export_files import SPEC, FakeRenderer\n"
        "import app.publish as publish\n"
        "class Dying(FakeRenderer):\n"
        "    def render(self, spec, lang):\n"
        "        if self.rendered == 2:\n"
        "            os.kill(os.getpid(), 9)\n"
        "        return super().render(spec, lang)\n"
        "publish.export(Path(sys.argv[1]), Dying(), (SPEC,), 'https://x.example')\n"
    )
    root = str(Path(__file__).parents[2])
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path), root],
                            capture_output=True, text=True, check=False)
    assert result.returncode == -9, result.stderr
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".feeds-")]
    assert len(left) == 1  # the killed export's staging folder
    export(tmp_path, FakeRenderer(), (SPEC,), "https://x.example")  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".feeds.lock") == ["feeds"]


def test_a_failed_export_keeps_the_previous_one(tmp_path):
    export(tmp_path, FakeRenderer(), (SPEC,), "https://x.example")  # type: ignore[arg-type]
    before = (tmp_path / "feeds" / "pair-205.fi.ics").read_bytes()
    with pytest.raises(RuntimeError):
        export(tmp_path, FakeRenderer(fail_after=1), (SPEC,), "https://x.example")  # type: ignore[arg-type]
    assert (tmp_path / "feeds" / "pair-205.fi.ics").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".feeds.lock") == ["feeds"]


def test_other_hidden_files_are_left_alone(tmp_path):
    (tmp_path / ".feedsrc").write_text("mine", encoding="utf-8")
    (tmp_path / ".feeds-note").write_text("a file, not a staging folder", encoding="utf-8")
    export(tmp_path, FakeRenderer(), (SPEC,), "https://x.example")  # type: ignore[arg-type]
    assert (tmp_path / ".feedsrc").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / ".feeds-note").exists()


def test_index_offers_webcal_and_https_links_with_a_public_url(tmp_path, monkeypatch):
    """Issue 15.10: with YHDYSPINTA_PUBLIC_URL set, absolute subscribe links; else relative."""
    from app.publish import export_base_url
    from yhdyspinta.settings import Settings

    monkeypatch.delenv("YHDYSPINTA_PUBLIC_URL", raising=False)
    assert export_base_url(Settings()) == ""
    export(tmp_path / "plain", FakeRenderer(), (SPEC,), "")  # type: ignore[arg-type]
    plain = (tmp_path / "plain" / "feeds" / "index.html").read_text(encoding="utf-8")
    assert 'href="pair-205.fi.ics"' in plain
    assert "webcal://" not in plain
    assert "https://" not in plain
    monkeypatch.setenv("YHDYSPINTA_PUBLIC_URL", "https://hyte.example.fi/kalenterit/")
    base = export_base_url(Settings())
    assert base == "https://hyte.example.fi/kalenterit"
    export(tmp_path / "public", FakeRenderer(), (SPEC,), base)  # type: ignore[arg-type]
    index = (tmp_path / "public" / "feeds" / "index.html").read_text(encoding="utf-8")
    for lang in ("fi", "sv", "en"):
        assert f'href="webcal://hyte.example.fi/kalenterit/feeds/pair-205.{lang}.ics"' in index
        assert f'href="https://hyte.example.fi/kalenterit/feeds/pair-205.{lang}.ics"' in index
        assert f'href="pair-205.{lang}.ics"' in index
