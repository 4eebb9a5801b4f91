#!/usr/bin/env python3
"""trust-tipping's command line. ``python run.py --help`` lists the commands."""

import sys

from sim.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
