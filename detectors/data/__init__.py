"""Data files for the detectors (look-alike character table); see README.md here."""
