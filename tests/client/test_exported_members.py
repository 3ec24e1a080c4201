"""Keep ``suno_api.__all__`` honest: sorted, importable, documented, and the only public surface."""

from __future__ import annotations

import inspect
import pkgutil

import suno_api
import suno_api_client.models
from suno_api import SunoError


def _own(name: str) -> bool:
    """Whether the exported object is defined by the overlay package (not re-exported from the generated one)."""
    return getattr(getattr(suno_api, name), "__module__", "").startswith("suno_api.")


def test_all_is_sorted_and_has_no_duplicates() -> None:
    assert suno_api.__all__ == sorted(set(suno_api.__all__))


def test_every_exported_name_is_importable() -> None:
    namespace: dict[str, object] = {}
    exec(f"from suno_api import {', '.join(suno_api.__all__)}", namespace)  # noqa: S102 - fixed names, the point of the test
    for name in suno_api.__all__:
        assert namespace[name] is getattr(suno_api, name)


def test_every_public_name_of_the_package_is_exported() -> None:
    # dir(), not vars(): it also lists the names the package loads on first access (DownloadError).
    public = {name for name in dir(suno_api) if not name.startswith("_")}
    submodules = {module.name for module in pkgutil.iter_modules(suno_api.__path__)}
    assert public - submodules == set(suno_api.__all__)


# The public submodules: the spec accessors and the command line; everything else is implementation.
PUBLIC_SUBMODULES = {"cli", "spec"}


def test_implementation_modules_are_private() -> None:
    for module in pkgutil.iter_modules(suno_api.__path__):
        if module.name not in PUBLIC_SUBMODULES:
            assert module.name.startswith("_"), f"suno_api.{module.name} should be private"


def test_every_exported_name_of_ours_is_documented_with_a_summary_line() -> None:
    for name in suno_api.__all__:
        if not _own(name):
            continue
        doc = inspect.getdoc(getattr(suno_api, name))
        assert doc, f"{name} has no docstring"
        summary = doc.splitlines()[0]
        assert summary.endswith("."), f"{name}: the summary line should be a sentence: {summary!r}"


def test_every_public_method_and_property_of_our_classes_is_documented() -> None:
    for name in suno_api.__all__:
        exported = getattr(suno_api, name)
        if not (_own(name) and inspect.isclass(exported)):
            continue
        for attribute, member in vars(exported).items():
            if attribute.startswith("_") or not (inspect.isfunction(member) or isinstance(member, property)):
                continue
            assert inspect.getdoc(member), f"{name}.{attribute} has no docstring"


def test_re_exports_are_the_generated_models_themselves() -> None:
    for name in suno_api.__all__:
        if not _own(name):
            assert getattr(suno_api, name) is getattr(suno_api_client.models, name)


def test_the_download_error_is_exported_and_loaded_only_when_asked_for() -> None:
    """`import suno_api` stays cheap: the download module is imported on first use of DownloadError."""
    import subprocess  # noqa: PLC0415 - only this test starts an interpreter
    import sys  # noqa: PLC0415 - same

    probe = (
        "import sys, suno_api; assert 'suno_api._download' not in sys.modules;"
        " from suno_api import DownloadError; from suno_api._download import DownloadError as D;"
        " assert DownloadError is D and issubclass(D, suno_api.SunoError); print(suno_api.__version__)"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, on a probe of ours
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,  # spec-literal: subprocess.run's keyword, not the callback stage
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_exception_class_is_exported() -> None:
    import suno_api._errors as errors_module  # noqa: PLC0415 - the private module is the subject here

    for name, value in vars(errors_module).items():
        if inspect.isclass(value) and issubclass(value, SunoError):
            assert name in suno_api.__all__, f"{name} is raised but not exported"
