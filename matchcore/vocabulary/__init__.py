"""The competence vocabulary: concepts, their labels, resolution of coach words, ESCO import."""
from matchcore.vocabulary.concepts import Concept, Resolution, TextIndex, Vocabulary, fold

__all__ = ["Concept", "Resolution", "TextIndex", "Vocabulary", "fold"]
