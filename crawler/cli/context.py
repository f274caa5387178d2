"""State shared by sub-commands (global options), and the user-error type."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

from detectors.registry import Registry, RegistryError


class UserError(click.ClickException):
    """Something the user can fix (bad file, bad value): one line, exit status 2."""

    exit_code = 2


@dataclass
class CliContext:
    registry_paths: tuple[str, ...] = ()
    _registry: Registry | None = field(default=None, repr=False)

    def registry(self) -> Registry:
        """The registry chosen with `--registry` (or the bundled one), loaded once."""
        if self._registry is None:
            try:
                self._registry = Registry.load([Path(p) for p in self.registry_paths])
            except RegistryError as exc:
                raise UserError(str(exc)) from None
        return self._registry
