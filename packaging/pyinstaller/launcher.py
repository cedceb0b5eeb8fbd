"""Entry point of the frozen program: the same main() as the ``sps-tracker`` command."""

import sys

from sps_tracker.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
