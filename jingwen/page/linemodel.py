"""A multinomial logistic regression in numpy: fitted on labelled real lines, stored as JSON.

The line classifier (:mod:`jingwen.page.lines`) turns every line into a vector of
features (its shape, its position, its neighbours, what the rules said of it);
this model gives each line a probability per label. The weights are fitted by
``bench/train_line_model.py`` on ``../shared/devset-lines`` (deterministic: full
batch gradient descent from zeros) and committed as ``jingwen/data/line_model.json``,
loaded without pickle.
"""
from __future__ import annotations

import functools
import json
import pathlib
from dataclasses import dataclass

import numpy as np

MODEL_FILE = pathlib.Path(__file__).resolve().parent.parent / "data" / "line_model.json"


@dataclass(frozen=True)
class LineModel:
    """Weights ``(features + 1, classes)`` (the last row is the bias) over standardized features."""

    classes: tuple[str, ...]
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """``(lines, classes)`` probabilities for feature rows ``x``."""
        z = (x - self.mean) / self.scale
        logits = z @ self.weights[:-1] + self.weights[-1]
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def to_json(self) -> str:
        return json.dumps({"classes": self.classes, "features": self.features,
                           "mean": _rounded(self.mean), "scale": _rounded(self.scale),
                           "weights": [_rounded(row) for row in self.weights]}, ensure_ascii=False, indent=0)

    @classmethod
    def from_json(cls, text: str) -> LineModel:
        d = json.loads(text)
        return cls(tuple(d["classes"]), tuple(d["features"]), np.array(d["mean"]), np.array(d["scale"]),
                   np.array(d["weights"]))


def _rounded(values: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in values]


def fit(x: np.ndarray, y: list[str], classes: tuple[str, ...], features: tuple[str, ...],
        l2: float = 1e-3, steps: int = 600, rate: float = 0.5,
        class_weight: dict[str, float] | None = None) -> LineModel:
    """Fit by full-batch gradient descent on the weighted cross-entropy plus ``l2``."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    index = {c: i for i, c in enumerate(classes)}
    target = np.zeros((len(x), len(classes)))
    target[np.arange(len(x)), [index[c] for c in y]] = 1.0
    sample = np.array([(class_weight or {}).get(c, 1.0) for c in y])[:, None]
    w = np.zeros((z.shape[1], len(classes)))
    for _ in range(steps):
        logits = z @ w
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = z.T @ ((p - target) * sample) / sample.sum() + l2 * np.vstack([w[:-1], np.zeros((1, len(classes)))])
        w -= rate * grad
    return LineModel(classes, features, mean, scale, w)


@functools.lru_cache(maxsize=1)
def default() -> LineModel | None:
    """The committed model (None where the file is missing: the rules decide alone)."""
    if not MODEL_FILE.exists():
        return None
    return LineModel.from_json(MODEL_FILE.read_text("utf-8"))
