"""``python -m suno_conformance.suite ARGS``: the same as ``suno-api conformance ARGS`` (``make conformance``)."""

import sys

from suno_conformance.suite._entry import main

sys.exit(main())
