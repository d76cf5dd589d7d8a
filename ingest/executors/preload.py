"""What the local pool's fork server loads before it forks any worker.

Every worker of every pass would otherwise import trafilatura and load langdetect's profiles
for itself: 0.5 s of CPU and ~65 MB each time. Loaded once in the fork server, the workers
inherit them (pages shared copy-on-write). Importing this module is the loading.
"""

import gc

import trafilatura  # noqa: F401  (the import is the point)

from ingest.langid import load_profiles

load_profiles()
gc.freeze()  # keep the collector off these objects, so their pages stay shared with the workers
