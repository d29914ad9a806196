"""Matching: candidates against functions, scored, constrained, explained and assigned."""
from matchcore.matching.matcher import Matcher

__all__ = ["Matcher"]
