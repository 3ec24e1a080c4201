"""``python -m suno_conformance.mutants [FAMILY ...]``: the mutants' score per family."""

import sys

from suno_conformance.mutants._main import main

if __name__ == "__main__":
    sys.exit(main())
