"""The live dashboard's settings (issue 18): thresholds per province. Filled in by its part."""

from __future__ import annotations
