"""Charts for the notebooks and the weekly report.

``common`` holds the shared style (fonts for every script, titles, captions with the data's
source and period); ``corpus`` the corpus-overview charts. Each chart helper returns a
:class:`matplotlib.figure.Figure` (shown once when it is a notebook cell's value) and has a
companion function computing the tidy table it draws.
"""
from . import common
from .common import repo_path, use_style

__all__ = ["common", "repo_path", "use_style"]
