"""Many returns at once: parallel, resumable, into a register and exports that lose nothing."""

from .run import BatchResult, run_batch
from .worker import Limits

__all__ = ["BatchResult", "Limits", "run_batch"]
