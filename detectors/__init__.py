"""Masthead's detectors: a pure library (no Scrapy, no network).

It knows the registry of genuine news organisations and compares what a target calls
itself, where it lives, how it looks and which licence it shows against it.
"""
