"""``python -m sharenet``: the same command line, for child processes of the scheduler."""

from sharenet.cli import main

main()
