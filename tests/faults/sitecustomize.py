"""Fault injection for the speech worker, loaded via PYTHONPATH by the tests that need it.

``VOICECOACH_TEST_FAULT`` picks the fault, for phrases containing
``VOICECOACH_TEST_FAULT_MATCH`` (every phrase if unset), in whichever engine
renders them (or only in ``VOICECOACH_TEST_FAULT_ENGINE``):

- ``empty``: the engine returns zero bytes (what pyttsx3's espeak driver did);
- ``raise``: the engine raises;
- ``hang``: the engine never returns;
- ``crash``: the worker process dies at once;
- ``chatter``: the engine writes to file descriptor 1 from Python and from C,
  then renders normally.

Production code has no hook for this: the engines are patched from outside.
"""

from __future__ import annotations

import os

FAULT = os.environ.get("VOICECOACH_TEST_FAULT")
MATCH = os.environ.get("VOICECOACH_TEST_FAULT_MATCH", "")
ONLY = os.environ.get("VOICECOACH_TEST_FAULT_ENGINE")  # "piper" or "espeak": that one only


def _patch() -> None:
    import importlib.abc
    import sys

    targets = {
        name: cls
        for name, cls, engine in (
            ("voicecoach.speech.espeak_engine", "EspeakEngine", "espeak"),
            ("voicecoach.speech.piper_engine", "PiperEngine", "piper"),
        )
        if ONLY in (None, engine)
    }

    def wrap(cls: type) -> None:
        real = cls.render

        def render(self, text):  # type: ignore[no-untyped-def]
            if MATCH not in text:
                return real(self, text)
            if FAULT == "empty":
                from voicecoach.audio.clips import Clip

                return Clip(b"")
            if FAULT == "raise":
                raise RuntimeError("injected engine failure")
            if FAULT == "hang":
                import threading

                threading.Event().wait()
            if FAULT == "crash":
                os._exit(70)
            if FAULT == "chatter":
                import ctypes

                print("Audio saved to <_io.BytesIO object>")  # what pyttsx3 printed
                sys.stdout.flush()
                os.write(1, b"raw fd write\n")
                ctypes.CDLL(None).puts(b"C-level puts")
                ctypes.CDLL(None).fflush(None)
            return real(self, text)

        cls.render = render

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):  # type: ignore[no-untyped-def]
            if name not in targets:
                return None
            sys.meta_path.remove(self)
            try:
                import importlib.util

                spec = importlib.util.find_spec(name)
            finally:
                sys.meta_path.insert(0, self)
            if spec is None or spec.loader is None:
                return None
            loader = spec.loader
            real_exec = loader.exec_module  # type: ignore[union-attr]

            def exec_module(module):  # type: ignore[no-untyped-def]
                real_exec(module)
                wrap(getattr(module, targets[name]))

            loader.exec_module = exec_module  # type: ignore[method-assign,union-attr]
            return spec

    sys.meta_path.insert(0, Finder())


if FAULT:
    _patch()
