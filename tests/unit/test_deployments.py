"""prefect.yaml is generated from the definitions, and the repository's copy is current."""

from __future__ import annotations

import importlib
import io
import shutil
from pathlib import Path

import pytest
import yaml

from app.deployments import active_months, render
from obligations.loader import default_definitions_folder
from yhdyspinta.cli import main

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def definitions(shipped_definitions):
    """These tests are about the shipped definitions, not the test copies."""
    return shipped_definitions


def test_the_repository_prefect_yaml_is_current(definitions):
    current = (ROOT / "prefect.yaml").read_text(encoding="utf-8")
    assert current == render(definitions), "run `yhdyspinta deployments generate`"


def test_every_deployment_points_at_a_flow_that_exists(definitions):
    config = yaml.safe_load(render(definitions))
    names = [d["name"] for d in config["deployments"]]
    assert len(names) == len(set(names))
    assert {f"obligation-{d.id}" for d in definitions} <= set(names)
    for deployment in config["deployments"]:
        path, function = deployment["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert callable(getattr(module, function))
        assert deployment["work_pool"]["name"] == "yhdyspinta-process"
        for schedule in deployment.get("schedules", []):
            assert schedule["timezone"] == "Europe/Helsinki"


def test_statutory_dates_give_quiet_months_and_movable_ones_run_all_year(definitions):
    by_id = {d.id: d for d in definitions}
    # Financial statements: steps 31.3 and 31.5, obligation 30.6, reminders up to 30 days
    # before the first step and escalations up to 30 days after the last.
    assert active_months(by_id["municipal-financial-statements"]) == (2, 3, 4, 5, 6, 7, 8)
    # The annual report's 31.12 is a cadence date a county may move: every month.
    assert active_months(by_id["hyte-annual-report-municipality"]) is None
    # A council-term duty: every month.
    assert active_months(by_id["welfare-report-plan-municipality"]) is None


def test_a_new_definition_file_becomes_a_new_deployment(tmp_path):
    folder = tmp_path / "definitions"
    shutil.copytree(default_definitions_folder(), folder)
    source = (folder / "municipal-budget.yaml").read_text(encoding="utf-8")
    (folder / "municipal-budget-copy.yaml").write_text(
        source.replace("id: municipal-budget", "id: municipal-budget-copy", 1),
        encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    stale = main(["deployments", "generate", "--check", "--definitions", str(folder),
                  "--output", str(ROOT / "prefect.yaml"), "--lang", "en"], out=out, err=err)
    assert stale == 1
    assert "does not match the definitions" in err.getvalue()
    target = tmp_path / "prefect.yaml"
    assert main(["deployments", "generate", "--definitions", str(folder), "--output",
                 str(target), "--lang", "en"], out=out, err=err) == 0
    config = yaml.safe_load(target.read_text(encoding="utf-8"))
    names = {d["name"] for d in config["deployments"]}
    assert "obligation-municipal-budget-copy" in names
    (folder / "municipal-budget-copy.yaml").unlink()
    assert main(["deployments", "generate", "--definitions", str(folder), "--output",
                 str(target), "--lang", "en"], out=out, err=err) == 0
    assert "obligation-municipal-budget-copy" not in target.read_text(encoding="utf-8")
