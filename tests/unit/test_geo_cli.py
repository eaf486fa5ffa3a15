"""``panah geo``: import, status and locate on a temporary SQLite database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from panah.core.migrate import upgrade
from panah.geo.cli import app

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'panah.db'}"
    upgrade(url)
    monkeypatch.setenv("PANAH_DATABASE_URL", url)
    monkeypatch.setenv("PANAH_ENVIRONMENT", "test")
    return url


def _json(args: list[str]) -> dict[str, object]:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


@pytest.mark.shared
def test_import_then_locate_chalus(database: str, shared_data: Path) -> None:
    result = runner.invoke(app, ["import", str(shared_data / "iran-boundaries")])
    assert result.exit_code == 0, result.output
    assert "31 provinces and 478 counties" in result.output

    answer = _json(["locate", "--lat", "36.655", "--lon", "51.4205", "--json"])
    assert answer["province"] == "IR-02"
    assert answer["county"] == "Chalus County"
    assert answer["county_fa"] == "شهرستان چالوس"
    assert (answer["method"], answer["approximate"], answer["outside_iran"]) == (
        "polygon", False, False,
    )

    status = _json(["status", "--json"])
    assert (status["mode"], status["counties_with_polygons"]) == ("polygons", 478)


@pytest.mark.shared
def test_outside_iran_is_an_answer_not_an_error(database: str, shared_data: Path) -> None:
    assert runner.invoke(app, ["import", str(shared_data / "iran-boundaries")]).exit_code == 0
    answer = _json(["locate", "--lat", "33.3152", "--lon", "44.3661", "--json"])  # Baghdad
    assert answer["outside_iran"] is True
    assert answer["province"] is None

    human = runner.invoke(app, ["locate", "--lat", "33.3152", "--lon", "44.3661"])
    assert human.exit_code == 0
    assert "outside Iran" in human.output


def test_without_polygons_locating_is_approximate(database: str) -> None:
    answer = _json(["locate", "--lat", "36.97372", "--lon", "50.5701", "--json"])  # Chaboksar
    assert (answer["province"], answer["method"], answer["approximate"]) == (
        "IR-01", "approximate", True,
    )
    status = _json(["status", "--json"])
    assert (status["mode"], status["approximate"]) == ("approximate", True)
    human = runner.invoke(app, ["status"])
    assert "approximate" in human.output


def test_bad_boundaries_exit_2_with_both_languages(database: str, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    (folder / "counties").mkdir(parents=True)
    (folder / "provinces.geojson").write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["import", str(folder)])
    assert result.exit_code == 2
    assert "provinces.geojson" in result.output
    assert "not valid JSON" in result.output
    assert "JSON معتبر نیست" in result.output
    assert _json(["status", "--json"])["last_import_id"] is None


def test_a_latitude_beyond_90_is_refused(database: str) -> None:
    result = runner.invoke(app, ["locate", "--lat", "133", "--lon", "51", "--json"])
    assert result.exit_code == 2
    assert "latitude must be in [-90, 90]" in result.output


@pytest.mark.parametrize("command", [[], ["import"], ["status"], ["locate"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output
