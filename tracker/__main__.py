"""`python -m tracker` is `kaisei`."""

from tracker.cli import main

main()
