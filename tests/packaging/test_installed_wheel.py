"""The wheel as a user gets it: built from this checkout, installed with its extras into a fresh virtual
environment outside the checkout, and driven from a directory that knows nothing of the repository.

One module-scoped fixture builds and installs once (15-25 s with pip's cache warm, on an idle machine); every
command after it runs with a bound on its time, and a failure shows the tail of the command's output. Nothing
here is skipped: when the wheel cannot be built or installed, the tests fail, in CI as anywhere.

Assertions marked CONTRACT-4 (the suite's JSON report) and CONTRACT-5 (``spec diff NEW`` against the installed
effective spec) follow the contracts of the restructuring (issue 11) rather than today's behaviour.
"""

from __future__ import annotations

import configparser
import contextlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.spec.upstream_later import later_spec

CHECKOUT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
WHEEL_CONFIG = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]
VENDORED_SPEC = CHECKOUT / "spec" / "suno-api.yaml"
EXTRAS = ("conformance", "spec")

# Bounds, not expectations: generous enough for a cold pip cache, short enough that a hang fails the run.
BUILD_TIMEOUT = 300.0
INSTALL_TIMEOUT = 900.0
COMMAND_TIMEOUT = 120.0
CONFORMANCE_TIMEOUT = 300.0
LISTEN_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
TAIL_LINES = 40

API_KEY = "sk-packaging-test-key"
WEBHOOK_SECRET = "packaging-test-webhook-secret"

# What the installed commands must not inherit from the developer's shell or from this pytest run: a path into
# the checkout, another virtual environment, or settings of the mock, the suite or the client.
_DROPPED_PREFIXES = ("PYTHON", "PYTEST_", "VIRTUAL_ENV", "SUNO_", "KIE_", "__PYVENV")

USER_TEST = '''\
"""A user's own application test: nothing but the `suno_mock` fixture from the installed plugin."""

from urllib.parse import urlsplit

from suno_api import SunoClient, is_loopback_host
from suno_api.spec import names

SPEC = names()
BODY = {
    SPEC.upload_url: "https://example.com/song.mp3",
    SPEC.default_param_flag: False,
    SPEC.instrumental: True,
    SPEC.continue_at: 30,
    SPEC.model: SPEC.model_v4_5,
    SPEC.callback_url: "https://example.com/callback",
}


def test_the_mock_listens_on_loopback_with_a_key(suno_mock):
    assert is_loopback_host(urlsplit(suno_mock.base_url).hostname or "")
    assert suno_mock.api_key


def test_the_ready_client_submits_and_reads_the_task(suno_mock):
    task_id = suno_mock.client.submit(BODY)
    assert suno_mock.client.get_record(task_id).task_id == task_id


def test_a_client_of_my_own_reaches_the_mock(suno_mock):
    with SunoClient(suno_mock.api_key, base_url=suno_mock.base_url) as client:
        task_id = client.submit(BODY)
        assert client.get_record(task_id).task_id == task_id
'''

# One operation more than the vendored spec: the API surface changes, and the overlays and rules still fit it.
PROBE_OPERATION = """\
  /api/v1/packaging-probe:
    get:
      responses:
        '200':
          description: OK
"""

# Imports `suno_api` after `httpx` and reports what it added: httpx itself imports click whenever click is
# installed (its optional command line), so "suno_api imports no click" is checked against that baseline.
IMPORT_PROBE = """\
import json, sys
import httpx
before = set(sys.modules)
import suno_api
after = set(sys.modules)
print(json.dumps({
    "file": suno_api.__file__,
    "path": sys.path,
    "added": sorted(after - before),
    "loaded": sorted(after),
}))
"""


def _inside(path: Path, directory: Path) -> bool:
    return path.resolve().is_relative_to(directory.resolve())


def _text(output: str | bytes | None) -> str:
    if output is None:
        return ""
    return output.decode("utf-8", "replace") if isinstance(output, bytes) else output


def _tail(name: str, output: str | bytes | None) -> str:
    lines = _text(output).splitlines()[-TAIL_LINES:]
    return f"--- {name} (last {len(lines)} lines) ---\n" + "\n".join(lines)


def _show(argv: Sequence[str | os.PathLike[str]]) -> str:
    return " ".join(os.fspath(arg) for arg in argv)


def _run(
    argv: Sequence[str | os.PathLike[str]], *, cwd: Path, env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(  # noqa: S603 - pip, venv and the commands of the wheel we built
            [os.fspath(arg) for arg in argv],
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(
            f"`{_show(argv)}` did not finish within {timeout:g} s\n"
            f"{_tail('stdout', exc.stdout)}\n{_tail('stderr', exc.stderr)}"
        )


def _expect(result: subprocess.CompletedProcess[str], code: int, *, context: str = "") -> None:
    assert result.returncode == code, (
        f"`{_show(result.args)}` exited {result.returncode}, expected {code}\n"
        f"{_tail('stdout', result.stdout)}\n{_tail('stderr', result.stderr)}{context}"
    )


def _git_files(checkout: Path) -> list[str] | None:
    """Return the files git tracks or would track once added; ``None`` when git cannot list them."""
    git = shutil.which("git")
    if git is None or not (checkout / ".git").exists():
        return None
    listing = subprocess.run(  # noqa: S603 - git listing this checkout
        [git, "-C", os.fspath(checkout), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=False,
        timeout=60,
    )
    if listing.returncode != 0:
        return None
    return [name for name in listing.stdout.decode("utf-8").split("\0") if name]


def _copy_sources(checkout: Path, destination: Path) -> Path:
    """Copy what git knows of the checkout, so caches, reports and stray build output never reach the wheel.

    Untracked files that are not ignored come along: in a clean clone there are none, and in a working tree they
    are the new files a commit is about to add.
    """
    names = _git_files(checkout)
    if names is None:
        return checkout  # an unpacked sdist: it holds only what it ships
    for name in names:
        source = checkout / name
        if source.is_file():  # a tracked file deleted in the working tree is not part of it any more
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def _user_env(venv: Path, bindir: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(_DROPPED_PREFIXES)}
    path = [entry for entry in env.get("PATH", "").split(os.pathsep) if entry and not _inside(Path(entry), CHECKOUT)]
    env["PATH"] = os.pathsep.join([os.fspath(bindir), *path])
    env["VIRTUAL_ENV"] = os.fspath(venv)
    env["PYTHONNOUSERSITE"] = "1"
    return env


@dataclass(frozen=True)
class Installed:
    """The installed wheel: where it lives, and how to run its commands as a user would."""

    wheel: Path
    source: Path
    venv: Path
    bindir: Path
    workdir: Path
    env: dict[str, str] = field(repr=False)

    @property
    def python(self) -> Path:
        return self.bindir / ("python.exe" if os.name == "nt" else "python")

    def command(self, name: str) -> Path:
        return self.bindir / (f"{name}.exe" if os.name == "nt" else name)

    def run(
        self,
        *argv: str | os.PathLike[str],
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = COMMAND_TIMEOUT,
    ) -> subprocess.CompletedProcess[str]:
        return _run(argv, cwd=cwd or self.workdir, env=self.env if env is None else env, timeout=timeout)

    def suno_api(
        self,
        *args: str | os.PathLike[str],
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = COMMAND_TIMEOUT,
    ) -> subprocess.CompletedProcess[str]:
        return self.run(self.command("suno-api"), *args, cwd=cwd, env=env, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel from this checkout and install it with its extras into a new virtual environment."""
    root = tmp_path_factory.mktemp("installed-wheel")
    if _inside(root, CHECKOUT):
        pytest.fail(f"the temporary directory {root} is inside the checkout: pass --basetemp outside {CHECKOUT}")
    pip_env = {name: value for name, value in os.environ.items() if name not in ("PYTHONPATH", "PYTHONHOME")}

    source = _copy_sources(CHECKOUT, root / "source")
    dist = root / "dist"
    build = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-input", "--quiet", "--wheel-dir", dist, source],
        cwd=root,
        env=pip_env,
        timeout=BUILD_TIMEOUT,
    )
    _expect(build, 0)
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {dist}, found {[wheel.name for wheel in wheels]}"

    venv = root / "venv"
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    # This interpreter's pip installs into the new environment (`pip --python`), which saves bootstrapping a
    # second pip there; without one here, the new environment gets its own.
    has_pip = importlib.util.find_spec("pip") is not None
    created = _run(
        [sys.executable, "-m", "venv", *(["--without-pip"] if has_pip else []), venv],
        cwd=root,
        env=pip_env,
        timeout=COMMAND_TIMEOUT,
    )
    _expect(created, 0)
    pip: list[str | os.PathLike[str]] = (
        [sys.executable, "-m", "pip", "--python", python] if has_pip else [python, "-m", "pip"]
    )
    install = _run(
        [*pip, "install", "--no-input", "--no-compile", "--quiet", f"{wheels[0]}[{','.join(EXTRAS)}]"],
        cwd=root,
        env=pip_env,
        timeout=INSTALL_TIMEOUT,
    )
    _expect(install, 0)

    workdir = root / "user"
    workdir.mkdir()
    return Installed(wheels[0], source, venv, bindir, workdir, _user_env(venv, bindir))


def _free_port() -> int:
    # The port is free when asked; a process that takes it before the mock binds makes the mock exit, and the
    # readiness loop reports that exit instead of waiting.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    """A long-running command of the installed wheel, with its output in files."""

    argv: list[str]
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def tails(self) -> str:
        out = self.stdout.read_text(encoding="utf-8", errors="replace") if self.stdout.exists() else ""
        err = self.stderr.read_text(encoding="utf-8", errors="replace") if self.stderr.exists() else ""
        return f"{_tail('stdout', out)}\n{_tail('stderr', err)}"

    def wait_until_listening(self, port: int) -> None:
        deadline = time.monotonic() + LISTEN_TIMEOUT
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"`{_show(self.argv)}` exited {self.process.returncode} before listening\n{self.tails()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                return
            if time.monotonic() > deadline:
                pytest.fail(
                    f"`{_show(self.argv)}` did not listen on port {port} within {LISTEN_TIMEOUT:g} s\n{self.tails()}"
                )
            time.sleep(0.1)

    def stop(self) -> int:
        """Send SIGTERM, as a CI runner or ``kill`` would; kill it when it does not stop in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)
        return self.process.returncode


@contextlib.contextmanager
def _serving(installed: Installed, args: Sequence[str], *, port: int, env: Mapping[str, str]) -> Iterator[Served]:
    logs = installed.workdir / f"serve-{port}"
    logs.mkdir()
    argv = [os.fspath(installed.command("suno-api")), *args]
    with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
        process = subprocess.Popen(  # noqa: S603 - the suno-api of the wheel we built
            argv,
            cwd=installed.workdir,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
    served = Served(argv, process, logs / "stdout", logs / "stderr")
    try:
        served.wait_until_listening(port)
        yield served
    finally:
        served.stop()


def test_the_wheel_holds_the_packages_of_the_hatch_config_and_every_file_of_them(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        dist_info = {name.split("/")[0] for name in names if name.split("/")[0].endswith(".dist-info")}
        assert len(dist_info) == 1, dist_info
        entry_points = configparser.ConfigParser()
        entry_points.read_string(wheel.read(f"{dist_info.pop()}/entry_points.txt").decode("utf-8"))

    packages = [Path(package) for package in WHEEL_CONFIG["packages"]]
    top_level = {name.split("/")[0] for name in names} - {name.split("/")[0] for name in names if ".dist-info" in name}
    assert top_level == {package.name for package in packages}, "the wheel ships exactly the configured packages"
    expected = [
        f"{package.name}/{path.relative_to(installed.source / package).as_posix()}"
        for package in packages
        for path in (installed.source / package).rglob("*")
        # Byte code is ignored by git and by hatch; it is only there when the sources were not copied.
        if path.is_file() and "__pycache__" not in path.parts
    ]
    assert not [name for name in expected if name not in names], "every file of a package is in the wheel"
    for target in WHEEL_CONFIG.get("force-include", {}).values():
        assert target in names
    for name, target in PYPROJECT["project"]["scripts"].items():
        assert entry_points["console_scripts"][name] == target
    for name, target in PYPROJECT["project"]["entry-points"]["pytest11"].items():
        assert entry_points["pytest11"][name] == target


def test_the_installed_package_reports_the_version_of_its_metadata(installed: Installed) -> None:
    version = installed.run(installed.python, "-c", "import suno_api; print(suno_api.__version__)")
    _expect(version, 0)
    assert version.stdout.strip() == PYPROJECT["project"]["version"]


def test_importing_the_installed_package_loads_no_cli_server_or_suite(installed: Installed) -> None:
    probe = installed.run(installed.python, "-c", IMPORT_PROBE)
    _expect(probe, 0)
    found = json.loads(probe.stdout)
    assert _inside(Path(found["file"]), installed.venv), f"suno_api came from {found['file']}, not the install"
    from_checkout = [entry for entry in found["path"] if entry and _inside(Path(entry), CHECKOUT)]
    assert not from_checkout, f"the checkout is on sys.path: {from_checkout}"
    roots = {name.partition(".")[0] for name in found["added"]}
    assert not roots & {"click", "starlette", "uvicorn", "schemathesis", "hypothesis", "pytest", "suno_api_build"}
    assert not [name for name in found["added"] if name.startswith(("suno_api.cli", "suno_conformance"))]
    loaded = {name.partition(".")[0] for name in found["loaded"]}
    assert not loaded & {"starlette", "uvicorn", "schemathesis"}


def test_the_mock_serves_until_sigterm_and_the_suite_finds_it_conforming(installed: Installed, tmp_path: Path) -> None:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    mock_env = {
        **installed.env,
        "SUNO_MOCK_API_KEYS": API_KEY,
        "SUNO_MOCK_WEBHOOK_KEY": WEBHOOK_SECRET,
        "SUNO_MOCK_STAGE_SECONDS": "0",
    }
    suite_env = {
        **installed.env,
        "KIE_API_KEY": API_KEY,
        "SUNO_WEBHOOK_SECRET": WEBHOOK_SECRET,
        # The smallest budget that still runs every check once: this proves the installed suite works, not the
        # mock's conformance (tests/conformance does that with the full budget).
        "SUNO_CONFORMANCE_MAX_EXAMPLES": "1",
        "SUNO_CONFORMANCE_STATEFUL_EXAMPLES": "1",
        "SUNO_CONFORMANCE_SEED": "1",
    }
    junit = tmp_path / "reports" / "conformance.xml"
    report = tmp_path / "reports" / "conformance.json"
    with _serving(installed, ["mock", "--port", str(port)], port=port, env=mock_env) as mock:
        suite = installed.suno_api(
            "conformance",
            "--base-url",
            base_url,
            "--junit",
            junit,
            "--json-report",  # CONTRACT-4: the option for the JSON report's path
            report,
            cwd=tmp_path,
            env=suite_env,
            timeout=CONFORMANCE_TIMEOUT,
        )
    _expect(suite, 0, context=f"\n=== the mock ===\n{mock.tails()}")
    assert mock.process.returncode == 0, f"the mock did not stop cleanly on SIGTERM\n{mock.tails()}"

    root = ElementTree.parse(junit).getroot()  # noqa: S314 - the suite's own report, written just now
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    assert sum(int(item.get("tests", "0")) for item in suites) > 0
    assert sum(int(item.get("failures", "0")) + int(item.get("errors", "0")) for item in suites) == 0

    # CONTRACT-4: the JSON report says whether the target conforms; it also names the target and our version
    # (checked by value: the contract fixes the name of `conforms` only).
    found = json.loads(report.read_text(encoding="utf-8"))
    assert found["conforms"] is True
    values = json.dumps(found)
    assert base_url in values
    assert f'"{PYPROJECT["project"]["version"]}"' in values


def test_spec_diff_and_coverage_exit_with_their_documented_codes(installed: Installed, tmp_path: Path) -> None:
    vendored = tmp_path / "vendored.yaml"
    shutil.copyfile(VENDORED_SPEC, vendored)
    later = later_spec(tmp_path / "later.yaml", VENDORED_SPEC)
    text = VENDORED_SPEC.read_text(encoding="utf-8")
    assert text.count("\npaths:\n") == 1
    surface = tmp_path / "surface.yaml"
    surface.write_text(text.replace("\npaths:\n", "\npaths:\n" + PROBE_OPERATION, 1), encoding="utf-8")

    # CONTRACT-5: with NEW alone, OLD is the effective spec the installed client was built from.
    _expect(installed.suno_api("spec", "diff", vendored, cwd=tmp_path), 0)
    _expect(installed.suno_api("spec", "diff", surface, cwd=tmp_path), 1)
    diff = installed.suno_api("spec", "diff", later, cwd=tmp_path)
    _expect(diff, 2)
    assert "V4_5ALL" in diff.stdout, "the report names the model the later spec adds"
    _expect(installed.suno_api("spec", "diff", tmp_path / "no-such.yaml", cwd=tmp_path), 3)

    _expect(installed.suno_api("spec", "coverage", cwd=tmp_path), 0)
    _expect(installed.suno_api("spec", "coverage", later, cwd=tmp_path), 2)


def test_a_users_test_file_gets_the_suno_mock_fixture_from_the_installed_plugin(
    installed: Installed, tmp_path: Path
) -> None:
    project = tmp_path / "my-app"
    project.mkdir()
    (project / "test_my_app.py").write_text(USER_TEST, encoding="utf-8")
    # No conftest, no ini file: the fixture can only come from the `pytest11` entry point of the install.
    result = installed.run(
        installed.python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "test_my_app.py", cwd=project
    )
    _expect(result, 0)
    assert "3 passed" in result.stdout
