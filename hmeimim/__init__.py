"""hmeimim: trace military-flight claims, their sources and their mutations through news coverage.

>>> import hmeimim
>>> corpus = hmeimim.load_corpus("seeds")        # doctest: +SKIP
>>> corpus.flights[["article_id", "aircraft", "count", "date_start", "date_end"]]   # doctest: +SKIP
"""
from .pipeline import Corpus, load_corpus

__version__ = "0.1.0"
__all__ = ["Corpus", "load_corpus", "__version__"]
