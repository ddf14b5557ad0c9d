"""Where things are: every setting comes from the environment, with a working default."""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import MentorflowError


@dataclass(frozen=True)
class Settings:
    database_url: str
    definitions: Path
    uploads: Path
    instance: Path
    smtp_url: str | None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        instance = Path(env.get("MENTORFLOW_INSTANCE", "instance"))
        return cls(
            database_url=env.get("MENTORFLOW_DATABASE_URL", f"sqlite:///{instance}/mentorflow.db"),
            definitions=Path(env.get("MENTORFLOW_DEFINITIONS", "definitions/")),
            uploads=Path(env.get("MENTORFLOW_UPLOADS", str(instance / "uploads"))),
            instance=instance,
            smtp_url=env.get("MENTORFLOW_SMTP_URL") or None,
        )

    def secret_key(self, env: dict[str, str] | None = None) -> str:
        """MENTORFLOW_SECRET_KEY, else one generated on first use and kept in instance/."""
        given = (os.environ if env is None else env).get("MENTORFLOW_SECRET_KEY")
        if given:
            return given
        path = self.instance / "secret_key"
        if not path.exists():
            self.instance.mkdir(parents=True, exist_ok=True)
            try:  # exclusive: of app servers starting together, one key wins for all
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_hex(32))
        for _ in range(50):  # the winner may still be writing it
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise MentorflowError(f"{path} is empty; delete it or set MENTORFLOW_SECRET_KEY.")
