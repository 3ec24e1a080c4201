"""``python -m suno_conformance.suite``: run the conformance suite (``make conformance``)."""

import sys

from suno_conformance.suite._entry import main

sys.exit(main())
