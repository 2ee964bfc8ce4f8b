"""``python -m reechain``: the same as the ``reechain`` command."""

from reechain.cli import main

main()
