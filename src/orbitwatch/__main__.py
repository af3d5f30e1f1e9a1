"""``python -m orbitwatch``: the same command line as the ``orbitwatch`` script."""

from orbitwatch.cli import main

if __name__ == "__main__":
    main()
