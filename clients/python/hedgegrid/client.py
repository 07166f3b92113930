"""A small synchronous JSON-RPC 2.0 client for hedgegridd over its Unix socket.

Messages use the Language Server Protocol framing (``Content-Length: N\\r\\n\\r\\n`` + UTF-8 JSON).
Notifications that arrive while waiting for an answer are kept in ``Client.notifications``.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
from collections import deque
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple


class DaemonError(Exception):
    """The daemon answered with a JSON-RPC error."""

    def __init__(self, code: int, message: str, data: Any = None):
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message
        self.data = data


def default_socket_path(environ: Optional[Dict[str, str]] = None) -> str:
    """The socket hgctl would use: HEDGEGRID_SOCKET, else the per-user socket."""
    env = os.environ if environ is None else environ
    if env.get("HEDGEGRID_SOCKET"):
        return env["HEDGEGRID_SOCKET"]
    runtime = env.get("XDG_RUNTIME_DIR")
    directory = f"{runtime}/hedgegrid" if runtime else f"/tmp/hedgegrid-{os.getuid()}"
    return f"{directory}/hedgegridd.sock"


class Client:
    """One connection to the daemon."""

    def __init__(self, socket_path: Optional[str] = None, timeout: Optional[float] = 30.0):
        self.socket_path = socket_path or default_socket_path()
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.settimeout(timeout)
        self._socket.connect(self.socket_path)
        self._buffer = b""
        self._ids = itertools.count(1)
        self.notifications: Deque[Tuple[str, Any]] = deque()

    def close(self) -> None:
        self._socket.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Wire ---------------------------------------------------------------

    def _send(self, message: Dict[str, Any]) -> None:
        body = json.dumps(message, separators=(",", ":")).encode("utf-8")
        self._socket.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def _receive(self) -> Any:
        while b"\r\n\r\n" not in self._buffer:
            self._fill()
        header, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        length = None
        for line in header.decode("ascii").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if length is None:
            raise ConnectionError("frame without Content-Length from the daemon")
        while len(self._buffer) < length:
            self._fill()
        body, self._buffer = self._buffer[:length], self._buffer[length:]
        return json.loads(body.decode("utf-8"))

    def _fill(self) -> None:
        chunk = self._socket.recv(65536)
        if not chunk:
            raise ConnectionError("the daemon closed the connection")
        self._buffer += chunk

    # Calls --------------------------------------------------------------

    def call(self, method: str, params: Optional[Dict[str, Any]] = None) -> Any:
        """Calls a method and returns its result; raises DaemonError on an error answer."""
        request_id = next(self._ids)
        message: Dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)
        while True:
            reply = self._receive()
            if "method" in reply:
                self.notifications.append((reply["method"], reply.get("params")))
                continue
            if reply.get("id") != request_id:
                continue
            if "error" in reply:
                error = reply["error"]
                raise DaemonError(error["code"], error["message"], error.get("data"))
            return reply.get("result")

    def notify(self, method: str, params: Optional[Dict[str, Any]] = None) -> None:
        message: Dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)

    def status(self) -> Dict[str, Any]:
        return self.call("daemon/status")

    def backtest(
        self,
        strategy_config: Any,
        backtest_config: Any,
        run_id: Optional[str] = None,
        output_dir: Optional[str] = None,
        working_directory: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Runs a backtest; configs are YAML paths (relative to working_directory, default the
        current directory) or dicts with the same keys. Returns the summary with "metrics",
        "directory" and "artifacts"."""
        params: Dict[str, Any] = {
            "strategyConfig": strategy_config,
            "backtestConfig": backtest_config,
            "workingDirectory": working_directory or os.getcwd(),
            "environment": dict(os.environ),
        }
        if run_id is not None:
            params["runId"] = run_id
        if output_dir is not None:
            params["outputDir"] = output_dir
        return self.call("backtest/run", params)

    def wait_for_job(self, job_id: str, on_progress: Optional[Callable[[Dict[str, Any]], None]] = None) -> Dict[str, Any]:
        """Waits for a job to end, passing each of its $/progress values to on_progress."""
        self.call("job/subscribe", {"jobId": job_id})
        result = self.call("job/wait", {"jobId": job_id})
        if on_progress is not None:
            for method, params in list(self.notifications):
                if method == "$/progress" and params.get("token") == job_id:
                    on_progress(params["value"])
        return result

    def optimize(
        self,
        study_name: str,
        strategy_config: str,
        backtest_config: str,
        trials: int,
        optimization_config: Optional[str] = None,
        workers: Optional[int] = None,
        seed: Optional[int] = None,
        sampler: Optional[str] = None,
        holdout_fraction: Optional[float] = None,
        validate_config: Optional[str] = None,
        db_path: Optional[str] = None,
        working_directory: Optional[str] = None,
        on_trial: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> Dict[str, Any]:
        """Runs (or continues) a study to its end and returns the job's result: "best",
        "validations", "bestParametersYAML", ... on_trial gets each study/trialCompleted params,
        in order, after the study ends."""
        params: Dict[str, Any] = {
            "studyName": study_name,
            "strategyConfig": strategy_config,
            "backtestConfig": backtest_config,
            "trials": trials,
            "workingDirectory": working_directory or os.getcwd(),
            "environment": dict(os.environ),
        }
        for key, value in (
            ("optimizationConfig", optimization_config), ("workers", workers), ("seed", seed), ("sampler", sampler),
            ("holdoutFraction", holdout_fraction), ("validateConfig", validate_config), ("dbPath", db_path),
        ):
            if value is not None:
                params[key] = value
        started = self.call("study/optimize", params)
        info = self.call("job/wait", {"jobId": started["jobId"]})
        if on_trial is not None:
            for method, notification in list(self.notifications):
                if method == "study/trialCompleted" and notification.get("study") == study_name:
                    on_trial(notification)
        if info["state"] != "succeeded":
            error = info.get("error") or {}
            raise DaemonError(error.get("code", -32042), error.get("message", f"study job {info['state']}"))
        return info["result"]

    def study_trials(self, study_name: str, top_n: Optional[int] = None, feasible_only: bool = False,
                     db_path: Optional[str] = None) -> List[Dict[str, Any]]:
        """The study's trials, best first (feasible before infeasible)."""
        params: Dict[str, Any] = {"studyName": study_name, "feasibleOnly": feasible_only}
        if top_n is not None:
            params["topN"] = top_n
        if db_path is not None:
            params["dbPath"] = db_path
        return self.call("study/trials", params)["trials"]

    def best_parameters(self, study_name: str, db_path: Optional[str] = None) -> Dict[str, float]:
        """The best feasible trial's parameters (raises DaemonError -32043 when none is feasible)."""
        params: Dict[str, Any] = {"studyName": study_name}
        if db_path is not None:
            params["dbPath"] = db_path
        return self.call("study/best", params)["parameters"]
