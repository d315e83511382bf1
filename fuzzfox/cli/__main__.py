"""``python -m fuzzfox.cli``, as before the command line became a package."""

import sys

from fuzzfox.cli import main

sys.exit(main())
