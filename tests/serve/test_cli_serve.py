"""``newsdedup serve``: its options, the missing-extra hint, the token variable, a real start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdedup.cli.main import app

runner = CliRunner()


def test_cli_serve_is_registered_with_its_options() -> None:
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--host", "--port", "--token-env"):
        assert option in result.output


def test_cli_serve_without_the_extra_names_the_pip_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "fastapi", None)  # import fastapi now raises ImportError
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "pip install 'newsdedup[serve]'" in " ".join(result.output.split())
    assert not (tmp_path / "x.db").exists()


def test_cli_serve_token_env_must_be_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSDEDUP_TEST_TOKEN", raising=False)
    result = runner.invoke(
        app, ["serve", "--db", str(tmp_path / "x.db"), "--token-env", "NEWSDEDUP_TEST_TOKEN"]
    )
    assert result.exit_code == 2
    assert "NEWSDEDUP_TEST_TOKEN" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_cli_serve_answers_on_loopback_with_the_token(tmp_path: Path) -> None:
    httpx = pytest.importorskip("httpx", reason="needs the serve extra")
    port = _free_port()
    env = {**os.environ, "NEWSDEDUP_TEST_TOKEN": "tok"}
    main = "from newsdedup.cli.main import app; app()"
    command = [sys.executable, "-c", main, "serve", "--db", str(tmp_path / "i.db")]
    command += ["--port", str(port), "--token-env", "NEWSDEDUP_TEST_TOKEN"]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):  # until it listens (the first start may compile kernels)
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, log.read_text()
                time.sleep(0.1)
        article = {"id": "x1", "text": "The harbour board met."}
        assert httpx.post(f"{base}/articles", json=article).status_code == 401
        auth = {"Authorization": "Bearer tok"}
        assert httpx.post(f"{base}/articles", json=article, headers=auth).status_code == 200
        assert httpx.get(f"{base}/health").json()["articles"] == 1
    finally:
        server.terminate()
        server.wait(timeout=30)
