"""The conformance suite of the kie.ai Suno upload-and-extend API, and the mock it runs against by default."""
