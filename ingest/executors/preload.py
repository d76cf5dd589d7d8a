"""What the local pool's fork server loads before it forks any worker; its preload list ends here.

Every worker would otherwise load langdetect's profiles, read jusText's stoplists and (with
`ingest.executors.preload_html`, listed before this module when the inputs may hold HTML) import
trafilatura for itself: 0.55 s of CPU and ~65 MB each time. Loaded once in the fork server, the
workers inherit them (pages shared copy-on-write). Importing this module is the loading; it comes
last because it freezes what every module before it loaded.
"""

import gc

from ingest.langid import load_profiles
from ingest.stages.classify import STOPLIST_LANGUAGES, stopwords

load_profiles()
for bit in range(len(STOPLIST_LANGUAGES)):
    stopwords(bit)
gc.freeze()  # keep the collector off these objects, so their pages stay shared with the workers
