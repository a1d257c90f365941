"""`python -m mlgolden`. A Ctrl-C or SIGTERM while the CLI is still being imported (nothing written
yet) exits 130 like any interrupt, not 1 with a traceback; mlgolden.cli.main installs its own."""

import signal
import sys


def _before_start(signum, frame):
    sys.stderr.write("error: interrupted; nothing was written\n")
    raise SystemExit(130)


signal.signal(signal.SIGINT, _before_start)
signal.signal(signal.SIGTERM, _before_start)

from mlgolden.cli import main  # noqa: E402

main()
