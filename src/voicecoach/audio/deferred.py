"""A module that a library imports but the run may never use, loaded on its first use.

pyminiaudio imports ``urllib.request`` at its top for its internet-radio
client alone, and with it http.client, email and ssl: measured, about a
fifth of the CPU its import cost before the first word. A stand-in module
under that name satisfies the ``import``; the first attribute anyone reads
from it imports the real module, puts it in its place (in ``sys.modules``
and on its parent package) and answers from it. The standard
``importlib.util.LazyLoader`` cannot do this here: an ``import`` statement
reads ``__spec__`` from a module found in ``sys.modules``, which makes it load.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

__all__ = ["defer_module"]

_LOCK = threading.Lock()


class _Deferred(ModuleType):
    """Stands in for ``__name__`` until an attribute of it is first read."""

    def __getattr__(self, attr: str) -> Any:  # only for what the stand-in lacks
        return getattr(_load(self.__name__), attr)


def _load(name: str) -> ModuleType:
    with _LOCK:
        module = sys.modules.get(name)
        if module is None or isinstance(module, _Deferred):
            sys.modules.pop(name, None)
            module = importlib.import_module(name)  # sets it on its parent package too
        return module


def defer_module(name: str) -> None:
    """Register a stand-in for ``name`` unless it is imported already (or absent)."""
    if name in sys.modules:
        return
    parent_name, _, child = name.rpartition(".")
    parent = importlib.import_module(parent_name) if parent_name else None
    if importlib.util.find_spec(name) is None:
        return
    stand_in = _Deferred(name)
    sys.modules[name] = stand_in
    if parent is not None:
        setattr(parent, child, stand_in)
