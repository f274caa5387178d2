"""Masthead's spiders."""
