"""Dispatch: mobile units, crews, posts, incidents, recommendation, field app, channels."""
