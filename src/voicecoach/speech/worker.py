"""The speech worker: one process that owns one speech engine for its whole life.

Why a process and not a thread: an engine that hangs can be killed and an
engine that crashes (a segfault in libespeak-ng or onnxruntime) takes only
this process down; the session asks the next engine. And every byte an
engine writes to file descriptor 1, from Python or from C, lands here and is
thrown away: the parent's stdout never sees it.

Protocol, over the pipes: the parent writes one JSON request per line,
``{"text": "..."}``; the worker answers with one JSON header line,
``{"ok": true, "rate": 22050, "bytes": N}`` followed by N bytes of 16-bit mono
PCM, or ``{"ok": false, "error": "..."}``. The first message, before any
request, is ``{"ok": true, "ready": true}`` once the engine has loaded, or
``{"ok": false, "fatal": true, "error": "..."}`` if it cannot.

Run as ``python -m voicecoach.speech.worker SPEC_JSON``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, BinaryIO


def _claim_stdout() -> BinaryIO:
    """Keep fd 1 for the protocol, and point fd 1 itself at /dev/null.

    pyttsx3 prints "Audio saved to ..." and C libraries may write to fd 1;
    after this, such writes go nowhere, and only our messages reach the pipe.
    """
    proto = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    return proto


def _send(proto: BinaryIO, header: dict[str, Any], payload: bytes = b"") -> None:
    proto.write(json.dumps(header).encode() + b"\n" + payload)
    proto.flush()


def _scale(pcm: bytes, volume: float) -> bytes:
    if volume >= 0.999:
        return pcm
    import array

    a = array.array("h")
    a.frombytes(pcm)
    return array.array("h", (int(v * volume) for v in a)).tobytes()


def serve(spec: dict[str, Any], stdin: BinaryIO, proto: BinaryIO) -> int:
    """Load the engine, then answer requests until stdin closes."""
    from voicecoach.audio.clips import Clip
    from voicecoach.speech.engines import load_engine
    from voicecoach.speech.espeak_engine import EngineFailed
    from voicecoach.speech.processing import Chain, process

    try:
        engine = load_engine(spec["engine"], spec.get("voice"), spec["rate"])
        chain = Chain(**spec.get("chain", {}))
    except EngineFailed as exc:
        _send(proto, {"ok": False, "fatal": True, "error": str(exc)})
        return 1
    except Exception as exc:  # any engine start-up failure ends only this worker
        _send(proto, {"ok": False, "fatal": True, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    _send(proto, {"ok": True, "ready": True})
    volume = float(spec.get("volume", 1.0))
    for line in stdin:
        try:
            text = json.loads(line)["text"]
            clip = process(engine.render(text), chain)
            pcm = _scale(clip.pcm, volume)
            clip = Clip(pcm, clip.rate)
        except Exception as exc:  # a bad phrase is reported, and the worker goes on
            _send(proto, {"ok": False, "error": f"{type(exc).__name__}: {exc}"})
            continue
        _send(proto, {"ok": True, "rate": clip.rate, "bytes": len(clip.pcm)}, clip.pcm)
    return 0


def main() -> int:
    proto = _claim_stdout()
    return serve(json.loads(sys.argv[1]), sys.stdin.buffer, proto)


if __name__ == "__main__":
    raise SystemExit(main())
