"""`python -m generator`: the `commission` command."""

import sys

from .cli import main

sys.exit(main())
