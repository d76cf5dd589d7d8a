"""One module per stage; `ingest.pipeline.build_stages` lists them in the order they run."""
