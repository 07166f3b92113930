"""Python client of the HedgeGrid daemon (hedgegridd), for notebooks and scripts."""

from .client import Client, DaemonError, default_socket_path

__all__ = ["Client", "DaemonError", "default_socket_path"]
