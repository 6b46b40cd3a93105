"""python -m scripts.bench [--compounds N] [--db NAME] ... (see --help)."""

from .runner import main

main()
