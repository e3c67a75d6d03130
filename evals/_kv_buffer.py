"""A key/value cache layer that grows in place (imported only when generating: it needs torch)."""

from __future__ import annotations

from typing import Any

import torch
from transformers.cache_utils import DynamicLayer


class BufferLayer(DynamicLayer):
    """One layer's keys and values in a buffer with room to grow: a step writes its own token,
    where the default layer concatenates the whole cache anew at every step."""

    def __init__(self, keys: torch.Tensor, values: torch.Tensor, length: int) -> None:
        super().__init__()
        self.buffers = (keys, values)
        self.dtype, self.device = keys.dtype, keys.device
        self.is_initialized = True
        self._set_length(length)

    def _set_length(self, length: int) -> None:
        self.length = length
        self.keys = self.buffers[0][:, :, :length]
        self.values = self.buffers[1][:, :, :length]

    def update(
        self, key_states: torch.Tensor, value_states: torch.Tensor, *args: Any, **kwargs: Any
    ) -> tuple[torch.Tensor, torch.Tensor]:
        end = self.length + key_states.shape[-2]
        if end > self.buffers[0].shape[-2]:
            raise ValueError(f"the cache holds {self.buffers[0].shape[-2]} positions, {end} asked for")
        self.buffers[0][:, :, self.length : end] = key_states
        self.buffers[1][:, :, self.length : end] = value_states
        self._set_length(end)
        return self.buffers[0][:, :, :end], self.buffers[1][:, :, :end]

    def get_seq_length(self) -> int:
        return self.length
