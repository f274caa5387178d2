"""State shared by sub-commands (global options), and the user-error type."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from detectors.registry import Registry, RegistryError

if TYPE_CHECKING:
    from crawler.platforms import Platforms


class UserError(click.ClickException):
    """Something the user can fix (bad file, bad value): one line, exit status 2."""

    exit_code = 2


@dataclass
class CliContext:
    registry_paths: tuple[str, ...] = ()
    platform_dirs: tuple[str, ...] = ()
    _registry: Registry | None = field(default=None, repr=False)
    _platforms: Platforms | None = field(default=None, repr=False)

    def registry(self) -> Registry:
        """The registry chosen with `--registry` (or the bundled one), loaded once."""
        if self._registry is None:
            try:
                self._registry = Registry.load([Path(p) for p in self.registry_paths])
            except RegistryError as exc:
                raise UserError(str(exc)) from None
        return self._registry

    def platforms(self) -> Platforms:
        """The built-in platform profiles and those of `--platforms` folders, loaded once."""
        if self._platforms is None:
            from crawler.platforms import PlatformError, Platforms

            try:
                self._platforms = Platforms.load([Path(p) for p in self.platform_dirs])
            except PlatformError as exc:
                raise UserError(str(exc)) from None
        return self._platforms
