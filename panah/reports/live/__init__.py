"""The live dashboard of a province or the nation (issue 18). Read only, but for its thresholds."""
