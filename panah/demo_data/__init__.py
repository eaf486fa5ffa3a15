"""The demo's organisation as spreadsheets (CSV, Persian and English headers), imported by
:mod:`panah.demo` through the bulk import: ``national/``, ``mazandaran/`` and ``gilan/``."""
