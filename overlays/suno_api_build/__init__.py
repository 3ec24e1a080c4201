"""Build tooling: generate the client from spec/ and overlays/, gate drift, diff specs, check rules coverage.

It never imports the runtime package ``suno_api`` (nor does the runtime import it), so no spec change can break
``make generate`` or the diff.
"""
