"""Write a benchmark's table into its own marked section of docs/performance.md."""

from __future__ import annotations

import datetime as dt
import platform
from pathlib import Path


def replace_section(path: Path, name: str, body: str) -> None:
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = path.read_text() if path.exists() else "# Performance\n"
    stamp = (
        f"_Measured {dt.date.today()} on {platform.machine()}, Python {platform.python_version()}._"
    )
    block = f"{start}\n{stamp}\n\n{body}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip("\n") + f"\n\n{block}\n"
    path.write_text(text)
