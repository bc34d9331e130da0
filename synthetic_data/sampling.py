"""Vectorised sampling helpers that hit exact counts while keeping realistic structure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def choose_exactly(rng: np.random.Generator, k: int, logits: np.ndarray) -> np.ndarray:
    """Boolean mask marking exactly k items, drawn without replacement with odds exp(logit).

    Gumbel top-k: adding Gumbel noise to the logits and keeping the k largest is the same
    as weighted sampling without replacement, so higher logits are chosen more often while
    the count is exact.
    """
    logits = np.asarray(logits, dtype=float)
    n = logits.size
    if not 0 <= k <= n:
        raise ValueError(f"cannot choose {k} of {n} items")
    mask = np.zeros(n, dtype=bool)
    if k == 0:
        return mask
    keys = logits + rng.gumbel(size=n)
    mask[np.argpartition(-keys, k - 1)[:k]] = True
    return mask


def allocate(
    rng: np.random.Generator, total: int, weights: Sequence[float], minimum: int = 0
) -> np.ndarray:
    """Split `total` over groups at random, in proportion to weights, each at least `minimum`."""
    weights = np.asarray(weights, dtype=float)
    spare = total - minimum * weights.size
    if spare < 0:
        raise ValueError(f"cannot give {weights.size} groups at least {minimum} of {total}")
    return rng.multinomial(spare, weights / weights.sum()) + minimum


def ordinal(latent: np.ndarray, cuts: Sequence[float], labels: Sequence[str]) -> np.ndarray:
    """Map a continuous latent score onto ordered labels at the given cut points."""
    if len(labels) != len(cuts) + 1:
        raise ValueError("need one more label than cut points")
    return np.asarray(labels, dtype=object)[np.searchsorted(np.asarray(cuts), latent)]


def blank_out(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    """A copy of an object array with about `share` of its values replaced by None."""
    out = np.asarray(values, dtype=object).copy()
    out[rng.random(out.size) < share] = None
    return out


def pick(rng: np.random.Generator, labels: Sequence[str], shares: Sequence[float], n: int):
    """n labels drawn independently with the given shares."""
    shares = np.asarray(shares, dtype=float)
    return np.asarray(labels, dtype=object)[
        rng.choice(len(labels), size=n, p=shares / shares.sum())
    ]


def lookup(mapping: Mapping, keys: np.ndarray) -> np.ndarray:
    """mapping[key] for every element of keys, looked up once per distinct key."""
    distinct, inverse = np.unique(np.asarray(keys), return_inverse=True)
    return np.array([mapping[k.item() if hasattr(k, "item") else k] for k in distinct])[inverse]


def numbered_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Ids such as C000123: a prefix and zero-padded numbers (object array)."""
    digits = np.char.zfill(np.asarray(numbers).astype(str), width)
    return np.char.add(prefix, digits).astype(object)
