"""The effective spec this package enforces: rules, limits, enums and names (``names()``), read from one place.

The mock, the conformance suite and the command line read the spec through this module, never through the
package's private modules. Nothing is read at import time; the first call loads and caches the document.
"""

from suno_api._names import SpecNames, names
from suno_api._spec import (
    REQUEST_SCHEMA,
    Rule,
    default_base_url,
    effective_spec,
    effective_spec_path,
    enum_values,
    rule,
    rules,
    schema,
)

__all__ = [
    "REQUEST_SCHEMA",
    "Rule",
    "SpecNames",
    "default_base_url",
    "effective_spec",
    "effective_spec_path",
    "enum_values",
    "names",
    "rule",
    "rules",
    "schema",
]
