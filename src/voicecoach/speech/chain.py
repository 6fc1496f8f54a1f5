"""The earbud processing chain's settings, chosen by bench/intelligibility.py.

Kept apart from :mod:`.processing` (which needs numpy) because the session
needs only the settings, for the phrase cache key: numpy then loads in the
speech worker, never on the path to the first word.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Chain:
    """The settings of the processing chain; every field has a "do nothing" value.

    ``loudness``: target in LUFS (None: leave the level alone).
    ``presence_db`` at ``presence_hz``, ``presence_octaves`` wide (the standard
    deviation of a bell in log-frequency).
    ``lowcut_hz``: a 12 dB/octave high-pass (0: off); below ~100 Hz earbuds
    give nothing back, and the energy there only raises the level.
    ``compress_db``: threshold in dBFS of 10 ms RMS after levelling (None: off),
    with ``ratio`` and a soft knee.
    ``ceiling_db``: sample peaks are limited to this (dBFS).
    ``floor_db``: RMS of the added noise floor in dBFS (None: no floor).
    """

    loudness: float | None = -18.0
    presence_db: float = 0.0
    presence_hz: float = 3000.0
    presence_octaves: float = 0.7
    lowcut_hz: float = 0.0
    compress_db: float | None = None
    ratio: float = 1.0
    trim: bool = True
    ceiling_db: float = -1.0
    floor_db: float | None = -60.0

    @classmethod
    def off(cls) -> Chain:
        """The chain that returns every clip unchanged."""
        return cls(loudness=None, trim=False, floor_db=None)

    @property
    def is_off(self) -> bool:
        return self == Chain.off()

    def key(self) -> str:
        """A short, stable text that names these settings (part of the phrase cache key)."""
        if self.is_off:
            return "off"
        parts = ["v1"]
        if self.loudness is not None:
            parts.append(f"L{self.loudness:g}")
        if self.presence_db:
            parts.append(f"P{self.presence_db:g}@{self.presence_hz:g}/{self.presence_octaves:g}")
        if self.lowcut_hz:
            parts.append(f"H{self.lowcut_hz:g}")
        if self.compress_db is not None and self.ratio > 1:
            parts.append(f"C{self.compress_db:g}/{self.ratio:g}")
        if self.trim:
            parts.append("T")
        parts.append(f"X{self.ceiling_db:g}")
        if self.floor_db is not None:
            parts.append(f"N{self.floor_db:g}")
        return ":".join(parts)

    def with_(self, **changes: object) -> Chain:
        return replace(self, **changes)  # type: ignore[arg-type]


RAW = Chain.off()
# Picked by bench/intelligibility.py (bench/README.md has the table): "p12+comp",
# the best number-word recall for the Piper voice in pink noise at 10 dB and 0 dB
# SNR, and as good as any in quiet; where chains tied, the brighter one won.
DEFAULT_CHAIN = Chain(
    loudness=-18.0,
    presence_db=12.0,
    presence_hz=3000.0,
    presence_octaves=0.7,
    lowcut_hz=100.0,
    compress_db=-30.0,
    ratio=3.0,
)
