"""Probabilistic customer value: BG/NBD, Gamma-Gamma and the shifted-beta-geometric model."""

from retain.core.clv.bgnbd import BGNBD
from retain.core.clv.gamma_gamma import GammaGamma, customer_lifetime_value
from retain.core.clv.sbg import ShiftedBetaGeometric

__all__ = ["BGNBD", "GammaGamma", "ShiftedBetaGeometric", "customer_lifetime_value"]
