"""What `pip install mentorflow` puts into site-packages: one name of ours, and all it needs.

The folders engine/ and web/ install as mentorflow.engine and mentorflow.web, so the
wheel adds no generic top-level package (`web` collides with others of that name). The
wheel is built from a copy of the sources, installed into a fresh virtual environment
(borrowing the test machine's dependencies, offline), and served from there: templates,
static files and migrations must be inside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "engine", "web")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:  # a copy, so the build leaves nothing in the checkout
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("*.pyc"))
        else:
            shutil.copy(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--disable-pip-version-check", "--wheel-dir", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("mentorflow-*.whl")
    return found


def test_the_wheel_holds_one_top_level_name_and_everything_served(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"mentorflow", _dist_info(wheel)}
    for needed in (
        "mentorflow/engine/records/migrations/env.py",
        "mentorflow/engine/records/migrations/script.py.mako",
        "mentorflow/engine/records/migrations/versions/0001_initial_schema.py",
        "mentorflow/web/templates/base.html",
        "mentorflow/web/static/mentorflow.css",
        "mentorflow/web/cli/__init__.py",
    ):
        assert needed in names


def test_pyproject_lists_every_package_folder() -> None:
    # The package-dir mapping needs each package named; a new folder left out would be
    # missing from the wheel (the test above would tell, but later and slower).
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    folders = {
        "mentorflow." + ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("engine", "web")
        for init in (ROOT / top).rglob("__init__.py")
        if ".venv" not in init.parts
    }
    assert listed == folders


def _dist_info(wheel: Path) -> str:
    name, version = wheel.name.split("-")[:2]
    return f"{name}-{version}.dist-info"


SERVE = """
import json, sys
from mentorflow import web
app = web.create_app()
client = app.test_client()
print(json.dumps({
    "file": web.__file__,
    "index": client.get("/").status_code,
    "program": client.get("/p/general-mentoring").status_code,
    "register": client.get("/register").status_code,
}))
"""


def test_installed_in_a_fresh_environment_it_adds_only_mentorflow_and_serves(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
        check=True,
    )
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    before = set(os.listdir(site)) if site.exists() else set()
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
        + ["--no-deps", "--no-index", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
    )
    assert set(os.listdir(site)) - before == {"mentorflow", _dist_info(wheel)}

    work = tmp_path / "work"  # a folder with none of the sources in it
    work.mkdir()
    env = {
        **os.environ,
        "MENTORFLOW_DEFINITIONS": str(ROOT / "definitions"),
        "MENTORFLOW_INSTANCE": str(work / "instance"),
        "PYTHONPATH": "",
    }
    env.pop("MENTORFLOW_DATABASE_URL", None)
    served = subprocess.run(
        [str(python), "-c", SERVE], cwd=work, env=env, check=True, capture_output=True, text=True
    )
    result = json.loads(served.stdout.strip().splitlines()[-1])
    assert Path(result["file"]).is_relative_to(site)  # not the checkout's editable copy
    assert (result["index"], result["program"], result["register"]) == (200, 200, 200)
    command = subprocess.run(
        [str(venv / "bin" / "mentorflow"), "validate", str(ROOT / "definitions")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert command.returncode == 0, command.stderr
    assert "general-agency.yaml: ok" in command.stdout


def test_the_checkout_is_not_importable_under_generic_names() -> None:
    # Only the namespace is ours: `import engine` or `import web` must find nothing here.
    purelib = Path(sysconfig.get_paths()["purelib"])
    assert not (purelib / "engine").exists() and not (purelib / "web").exists()
    for generic in ("engine", "web"):
        found = subprocess.run(
            [sys.executable, "-c", f"import {generic}"], cwd="/", capture_output=True
        )
        assert found.returncode != 0
