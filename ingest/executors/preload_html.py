"""trafilatura, for the fork server to import when a run's inputs may hold HTML.

A run of plain text never calls it, and a worker that meets a page after all imports it then
(`ingest.stages.extract` imports it lazily).
"""

import trafilatura  # noqa: F401  (the import is the point)
