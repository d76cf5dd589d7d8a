"""What the local pool's fork server loads before it forks any worker.

Every worker of every pass would otherwise import trafilatura, load langdetect's profiles and
read jusText's stoplists for itself: 0.55 s of CPU and ~65 MB each time. Loaded once in the
fork server, the workers inherit them (pages shared copy-on-write). Importing this module is
the loading.
"""

import gc

import trafilatura  # noqa: F401  (the import is the point)

from ingest.langid import load_profiles
from ingest.stages.classify import STOPLIST_LANGUAGES, stopwords

load_profiles()
for bit in range(len(STOPLIST_LANGUAGES)):
    stopwords(bit)
gc.freeze()  # keep the collector off these objects, so their pages stay shared with the workers
