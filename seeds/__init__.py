"""Masthead's bundled data: the registry of genuine organisations, platform profiles,
example watch lists and the demo web. (A package only so that it installs with the code.)"""
