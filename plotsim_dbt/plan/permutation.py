"""A keyed affine permutation of [0, modulus): ``i -> (stride * i + offset) % modulus`` with the
stride coprime to the modulus, so it is a bijection that any block can evaluate for its own indices
without seeing the others. Treatment arms and display codes use it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AffinePermutation:
    modulus: int
    stride: int
    offset: int

    @classmethod
    def keyed(cls, modulus: int, rng: np.random.Generator) -> AffinePermutation:
        """A permutation drawn from ``rng`` (stride, then offset)."""
        stride = 1 if modulus == 1 else int(rng.integers(1, modulus))
        while math.gcd(stride, modulus) != 1:
            stride = stride % (modulus - 1) + 1
        return cls(modulus, stride, int(rng.integers(0, modulus)))

    def __call__(self, index: np.ndarray) -> np.ndarray:
        return (self.stride * np.asarray(index, dtype=np.int64) + self.offset) % self.modulus
