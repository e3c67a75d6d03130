"""The `personalign` command: one module per command, and the root group that mounts them."""

from personalign.cli.main import cli, main

__all__ = ["cli", "main"]
