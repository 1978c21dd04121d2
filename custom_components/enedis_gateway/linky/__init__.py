"""Linky data logic with no Home Assistant import: client, parsing, planning, summaries."""
