"""The Python client against a real hedgegridd built by `swift build` (debug)."""

import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from hedgegrid import Client, DaemonError, default_socket_path

ROOT = Path(__file__).resolve().parents[3]
DAEMON = ROOT / ".build" / "debug" / "hedgegridd"


def wait_until_listening(socket_path, process, seconds=30.0):
    """Until a connection to the socket succeeds: the file appears when the daemon binds it, a
    moment before it listens, and a client that connects in between is refused."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            pytest.fail(f"hedgegridd exited with status {process.returncode} before it listened on {socket_path}")
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(socket_path)
            return
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline:
                pytest.fail(f"hedgegridd did not listen on {socket_path} within {seconds} s")
            time.sleep(0.01)
        finally:
            probe.close()


@pytest.fixture()
def daemon():
    if not DAEMON.exists():
        pytest.fail(f"{DAEMON} is missing: run `swift build` first (scripts/test.sh does)")
    with tempfile.TemporaryDirectory(prefix="hgpy-", dir="/tmp") as scratch:
        socket_path = os.path.join(scratch, "d.sock")
        process = subprocess.Popen(
            [str(DAEMON), "--socket", socket_path, "--state-dir", f"{scratch}/state", "--cache-dir", f"{scratch}/cache"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_listening(socket_path, process)
            yield socket_path, process
        finally:
            process.terminate()
            assert process.wait(timeout=30) == 0


def test_status(daemon):
    socket_path, process = daemon
    with Client(socket_path) as client:
        status = client.status()
        assert status["pid"] == process.pid
        assert status["socketPath"] == socket_path


def test_errors_are_raised_with_their_code(daemon):
    socket_path, _ = daemon
    with Client(socket_path) as client:
        with pytest.raises(DaemonError) as missing:
            client.call("no/such")
        assert missing.value.code == -32601
        with pytest.raises(DaemonError) as invalid:
            client.call("job/get", {})
        assert invalid.value.code == -32602
        assert "jobId" in invalid.value.message


def test_job_progress_and_result(daemon):
    socket_path, _ = daemon
    with Client(socket_path) as client:
        job_id = client.call("test/job", {"steps": 4, "intervalMs": 10})["jobId"]
        seen = []
        info = client.wait_for_job(job_id, on_progress=seen.append)
        assert info["state"] == "succeeded"
        assert info["result"] == {"steps": 4}
        assert [value["kind"] for value in seen][-1] == "end"


def test_unicode_round_trip(daemon):
    socket_path, _ = daemon
    with Client(socket_path) as client:
        value = {"text": "é ✓ 😀 \"quoted\" \\ \n", "numbers": [1, -2.5, 1e-9]}
        assert client.call("test/echo", {"value": value}) == value


def test_default_socket_path():
    assert default_socket_path({"HEDGEGRID_SOCKET": "/x.sock"}) == "/x.sock"
    assert default_socket_path({"XDG_RUNTIME_DIR": "/run/user/5"}) == "/run/user/5/hedgegrid/hedgegridd.sock"


def test_backtest_on_the_bundled_data(daemon, tmp_path):
    socket_path, _ = daemon
    with Client(socket_path, timeout=120) as client:
        summary = client.backtest(
            "configs/strategies/hedge_grid_v1.yaml",
            "configs/backtest/near_2025_09.yaml",
            run_id="py",
            output_dir=str(tmp_path),
            working_directory=str(ROOT),
        )
        assert summary["run_id"] == "py"
        assert summary["bar_source"] == "last"
        assert summary["metrics"]["round_trips"] > 0
        assert (tmp_path / "py" / "equity.csv").exists()
        with pytest.raises(DaemonError) as bad:
            client.backtest({"grid": {"grid_step_bps": "wide"}}, "configs/backtest/near_2025_09.yaml", working_directory=str(ROOT))
        assert bad.value.code == -32602
        assert "grid.grid_step_bps" in bad.value.message


def test_study_notifications_and_best_parameters(daemon, tmp_path):
    socket_path, _ = daemon
    backtest = (ROOT / "configs/backtest/near_2025_09.yaml").read_text()
    short = tmp_path / "short.yaml"
    short.write_text(backtest.replace("2025-10-01T00:00:00Z", "2025-09-04T00:00:00Z"))
    open_constraints = tmp_path / "opt.yaml"
    open_constraints.write_text("constraints:\n  enabled: false\n")
    seen = []
    with Client(socket_path, timeout=300) as client:
        result = client.optimize(
            "py", "configs/strategies/hedge_grid_v1.yaml", str(short), trials=6,
            optimization_config=str(open_constraints), workers=1, seed=5, working_directory=str(ROOT),
            on_trial=seen.append,
        )
        assert result["finished"] == 6
        assert [n["trial"]["number"] for n in seen] == list(range(6))
        assert [n["finished"] for n in seen] == list(range(1, 7))
        best = client.best_parameters("py")
        assert best == result["best"]["parameters"]
        assert len(best) == 17
        top = client.study_trials("py", top_n=2)
        assert top[0]["number"] == result["best"]["number"]
        assert "grid_step_bps:" in result["bestParametersYAML"]
        with pytest.raises(DaemonError) as unknown:
            client.best_parameters("nope")
        assert unknown.value.code == -32040
