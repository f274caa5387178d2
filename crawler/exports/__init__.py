"""Exports of the store for analysts: CSV for Excel, JSONL for programs, one HTML report."""
