"""An installed distribution's version, read the way the speech cache key needs it, cheaply.

The cache key of every clip holds its engine's version, so the first word
waits for it. ``importlib.metadata`` answers it by importing the email
package to parse the METADATA file: measured, a tenth of the CPU before a
warm run's first word. The ``Version:`` header of the one ``.dist-info``
folder the lookup finds is the same answer; any other case (an egg, a zip,
two candidates in one folder) asks ``importlib.metadata`` after all.
"""

from __future__ import annotations

import os
import re
import sys

__all__ = ["installed_version"]

MISSING = "missing"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def installed_version(distribution: str) -> str:
    """The distribution's version, or ``missing`` when it is not installed."""
    found = _from_dist_info(distribution)
    if found is not None:
        return found
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return MISSING


def _from_dist_info(distribution: str) -> str | None:
    """The version in the first path entry that has the distribution, if it is one plain
    ``.dist-info`` folder with a ``Version:`` header; else None."""
    wanted = _normal(distribution)
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        matches = [
            n
            for n in names
            if n.endswith((".dist-info", ".egg-info", ".egg"))
            and _normal(n.rsplit(".", 1)[0].split("-", 1)[0]) == wanted
        ]
        if not matches:
            continue
        if len(matches) != 1 or not matches[0].endswith(".dist-info"):
            return None
        return _version_header(os.path.join(entry or ".", matches[0], "METADATA"))
    return None


def _version_header(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    return None  # the headers end at the first blank line
                key, sep, value = line.partition(":")
                if sep and key.strip().lower() == "version":
                    return value.strip()
    except (OSError, UnicodeDecodeError):
        return None
    return None
