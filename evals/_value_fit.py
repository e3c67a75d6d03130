"""Value weights fitted to a person's own choices.

A choice between options is modelled as a multinomial logit (Bradley-Terry when there are two
options) over the options' value tags: P(option) is proportional to exp(theta . x), where x
holds +1 for each value the option serves and -1 for each it sacrifices, centred across the
ten values. Centring the tags is the same as centring the weights (as `expected_choice` does),
so theta is a person's centred weights on the logit scale. A Gaussian prior keeps the fit
finite with few answers; the posterior is its Laplace approximation (mean and covariance),
from which both the per-value uncertainty and the adaptive choice of the next item come.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from personalign.evals._scenario import Scenario
from personalign.personas import SCHWARTZ_VALUES, SchwartzValue

PRIOR_SD = 2.0
"""Prior standard deviation of each centred weight, in logits per unit of tag: wide enough for
a near-deterministic person (a 0.4 weight gap at a choice temperature of 0.1 is 4 logits),
narrow enough to keep a noisy one's fit finite. Chosen from 1, 2, 3 and 5 on simulated
people of seeds 2 and 3; `personalign elicit-check` reports on other seeds."""
WEIGHT_SPREAD = 0.4
"""Fitted weights are shown as 0.5 +- this at most (the spread of the authored personas), so
they read like any other persona's; only their order and ratios come from the fit."""
_CENTRE = np.eye(len(SCHWARTZ_VALUES)) - 1 / len(SCHWARTZ_VALUES)


def option_features(scenario: Scenario) -> np.ndarray:
    """Options x values: +1 served, -1 sacrificed, each row centred across the ten values."""
    rows = np.zeros((len(scenario.options), len(SCHWARTZ_VALUES)))
    for i, option in enumerate(scenario.options):
        for value in option.serves:
            rows[i, SCHWARTZ_VALUES.index(value)] = 1.0
        for value in option.sacrifices:
            rows[i, SCHWARTZ_VALUES.index(value)] = -1.0
    return rows @ _CENTRE


@dataclass(frozen=True)
class Choice:
    """One answer: the options' features (`option_features`) and the index of the chosen one."""

    features: np.ndarray
    chosen: int

    @classmethod
    def of(cls, scenario: Scenario, option_id: str) -> Choice:
        return cls(option_features(scenario), [o.id for o in scenario.options].index(option_id))


@dataclass(frozen=True)
class ValueFit:
    """The posterior over a person's centred weights (logit scale), from `fit_values`."""

    mean: np.ndarray
    covariance: np.ndarray
    answers: int

    def weights(self) -> dict[SchwartzValue, float]:
        """Weights on the persona scale (0-1): 0.5 plus the fitted centred weights, scaled so
        the furthest from the mean sits WEIGHT_SPREAD away (all 0.5 when nothing is known)."""
        scale = self._scale()
        return {v: round(float(0.5 + scale * t), 4) for v, t in zip(SCHWARTZ_VALUES, self.mean, strict=True)}

    def uncertainty(self) -> dict[SchwartzValue, float]:
        """The standard deviation of each weight, on the same scale as `weights`."""
        scale = self._scale() or WEIGHT_SPREAD / PRIOR_SD
        sd = np.sqrt(np.clip(np.diag(self.covariance), 0.0, None))
        return {v: round(float(scale * s), 4) for v, s in zip(SCHWARTZ_VALUES, sd, strict=True)}

    def _scale(self) -> float:
        furthest = float(np.abs(self.mean).max())
        return WEIGHT_SPREAD / furthest if furthest > 1e-9 else 0.0

    def draws(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """`n` samples of the centred weights from the posterior (n x values)."""
        return rng.multivariate_normal(self.mean, self.covariance, size=n, method="eigh")

    def option_probabilities(self, scenario: Scenario) -> np.ndarray:
        """P(each option) under the posterior mean: what the fit predicts the person answers."""
        utilities = option_features(scenario) @ self.mean
        exp = np.exp(utilities - utilities.max())
        return exp / exp.sum()


def _by_size(features: Sequence[np.ndarray]) -> dict[int, list[int]]:
    """Indices of `features` grouped by their number of options, so each group stacks."""
    groups: dict[int, list[int]] = {}
    for i, f in enumerate(features):
        groups.setdefault(len(f), []).append(i)
    return groups


def fit_values(choices: Sequence[Choice], prior_sd: float = PRIOR_SD, iterations: int = 50) -> ValueFit:
    """The maximum a posteriori centred weights for `choices` (Newton's method on the
    regularised multinomial-logit likelihood) and the Laplace covariance around them."""
    n = len(SCHWARTZ_VALUES)
    precision = np.eye(n) / prior_sd**2
    stacks = [
        (np.stack([choices[i].features for i in group]), np.array([choices[i].chosen for i in group]))
        for group in _by_size([c.features for c in choices]).values()
    ]
    theta = np.zeros(n)
    hessian = precision
    for _ in range(iterations):
        gradient = -precision @ theta
        hessian = precision.copy()
        for x, chosen in stacks:  # x: answers x options x values
            utilities = x @ theta
            p = np.exp(utilities - utilities.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            mean_x = np.einsum("ao,aov->av", p, x)
            gradient += (x[np.arange(len(x)), chosen] - mean_x).sum(axis=0)
            hessian += np.einsum("ao,aov,aow->vw", p, x, x) - np.einsum("av,aw->vw", mean_x, mean_x)
        step = np.linalg.solve(hessian, gradient)
        theta = theta + step
        if float(np.abs(step).max()) < 1e-8:
            break
    covariance = _CENTRE @ np.linalg.inv(hessian) @ _CENTRE
    return ValueFit(theta @ _CENTRE, covariance, len(choices))


def expected_option_entropy(features: Sequence[np.ndarray], draws: np.ndarray) -> np.ndarray:
    """For each item (its options' features), how uncertain the person's expected option (the
    highest-utility one) is under the fit: the entropy, in bits, of which option wins across
    posterior draws of the weights."""
    entropy = np.zeros(len(features))
    for size, group in _by_size(features).items():
        x = np.stack([features[i] for i in group])  # items x options x values
        winners = np.argmax(np.einsum("dv,iov->dio", draws, x), axis=2)  # draws x items
        shares = np.stack([(winners == o).mean(axis=0) for o in range(size)], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            entropy[group] = -np.nansum(np.where(shares > 0, shares * np.log2(shares), 0.0), axis=1)
    return entropy
