"""The suite's one error path for input a user can fix, and the one reader of input files.

Every command prints a `UserError` as one line, `error: ...`, and exits 2 (see cli/main.py).
Its message names the input (file, field, option or log) and what was expected. Every loader
and importer reads files through `read_text`, so decoding, size and format checks are made
once, in one place, with one wording.
"""

from __future__ import annotations

from pathlib import Path

# Input files above this are refused before they are read: a persona, scenario bank or
# import is kilobytes; hundreds of megabytes is a wrong file, and would be held in memory.
MAX_INPUT_BYTES = 50 * 2**20


class UserError(Exception):
    """Input the user can fix; the message names the input and what was expected."""


class DataFileError(UserError, ValueError):
    """A data file that cannot be used; the message names the file, field and expectation."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = Path(path)
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


def check_file(path: Path | str, expected: str, max_bytes: int = MAX_INPUT_BYTES) -> Path:
    """`path`, if it is a readable file of at most `max_bytes`; else a DataFileError."""
    path = Path(path)
    try:
        if path.is_dir():
            raise DataFileError(path, [f"is a directory, expected {expected}"])
        size = path.stat().st_size
    except FileNotFoundError:
        raise DataFileError(path, [f"no such file, expected {expected}"]) from None
    except OSError as err:
        raise DataFileError(path, [f"cannot be read ({err.strerror or err})"]) from None
    if size > max_bytes:
        limit = f"the {max_bytes / 2**20:.0f} MiB limit for input files"
        raise DataFileError(path, [f"is {size / 2**20:.1f} MiB, over {limit}"])
    return path


def read_text(path: Path | str, expected: str = "UTF-8 text", max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The text of `path`, or a DataFileError naming the file and what is wrong with it:
    missing, a directory, unreadable, over `max_bytes`, binary, or not UTF-8 (a BOM is
    accepted and dropped). `expected` names the format in the error (`a persona YAML file`)."""
    path = check_file(path, expected, max_bytes)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DataFileError(path, [f"cannot be read ({err.strerror or err})"]) from None
    if b"\x00" in data[:65536]:
        raise DataFileError(path, [f"is a binary file, expected {expected}"])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataFileError(
            path,
            [f"is not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}), expected {expected}"],
        ) from None


def require_content(path: Path | str, text: str, expected: str) -> str:
    """`text`, unless it is empty or only whitespace: then a DataFileError naming the format."""
    if not text.strip():
        raise DataFileError(path, [f"is empty, expected {expected}"])
    return text
