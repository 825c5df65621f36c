import sys

from fz_lsp.cli import main

sys.exit(main())
