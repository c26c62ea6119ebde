"""A benchmark's scratch folder: removed afterwards, with $QA_CACHE_DIR as it was before put back."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    """A new temporary folder; the caller may point $QA_CACHE_DIR into it for the duration."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    saved = os.environ.get("QA_CACHE_DIR")
    try:
        yield work
    finally:
        if saved is None:
            os.environ.pop("QA_CACHE_DIR", None)
        else:
            os.environ["QA_CACHE_DIR"] = saved
        shutil.rmtree(work, ignore_errors=True)
