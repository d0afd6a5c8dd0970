"""``python -m eventwire``: the same command line as ``eventwire``."""

from .cli import main

if __name__ == "__main__":
    main()
