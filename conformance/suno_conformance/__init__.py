"""The conformance suite of the kie.ai Suno upload-and-extend API, the mock it runs against, and its defects.

Installed by the ``conformance`` extra: ``pip install 'suno-upload-extend[conformance]'``. Subpackages:
``suno_conformance.mock`` (the sandbox server), ``suno_conformance.suite`` (the suite) and
``suno_conformance.defects`` (deliberately broken mocks the suite must catch) and ``suno_conformance.mutants``
(defective mocks generated from the effective spec). The ``suno_mock`` pytest fixture
comes from ``suno_conformance.pytest_plugin``.
"""

from suno_conformance._setting import Setting

__all__ = ["Setting"]
