"""What the benchmarks say of the machine they ran on."""

from __future__ import annotations

import platform
from pathlib import Path


def cpu_name() -> str:
    """The processor's model name (Linux), or what ``platform`` knows."""
    cpuinfo = Path("/proc/cpuinfo")
    names = ([ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines()
              if ln.startswith("model name")] if cpuinfo.exists() else [])
    return names[0] if names else (platform.processor() or "?")
