import sys

from fuzzfox.cli import main

sys.exit(main())
