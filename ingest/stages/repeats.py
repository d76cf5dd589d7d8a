"""Learned chrome out: lines that repeat across many documents of the document's own site.

No rule names these lines; the site's documents do (see `ingest.profiles`). Each line of a
repeated block repeats too, so whole blocks go line by line, like single short lines.
"""

from __future__ import annotations

from collections.abc import Mapping

from ingest.document import Document, removal
from ingest.profiles import SiteProfile, describe, site_key
from ingest.stages.base import Stage

RULE = "learned#repeated-line"


class Repeats(Stage):
    """Remove the lines the site's profile, as it stood when the pass began, counts as chrome.

    Built once per pass from `ProfileStore.chrome_profile`; the profiles only hold the keys over
    the threshold, so the stage stays small to pickle. Without profiles it removes nothing.
    """

    name = "repeats"

    def __init__(self, profiles: Mapping[str, SiteProfile] | None = None) -> None:
        self.profiles = dict(profiles or {})

    def __call__(self, doc: Document) -> Document:
        profile = self.profiles.get(site_key(doc))
        if profile is None:
            return doc
        for line in doc.lines:
            if line.removal is None and line.keep_rule is None:
                count = profile.count(line.text, line.key)
                if count is not None:
                    line.removal = removal(
                        self.name,
                        RULE,
                        f"appears in {count} of {profile.documents} documents of "
                        f"{describe(profile.site)}",
                    )
        return doc
