"""Readers (files in) and writers (records out)."""
