"""`python -m engine.tools.make_bank --dataset D`: write weights/<dataset>_bank.safetensors, the
held-out images the forward processes degrade (engine.networks.bank)."""

from __future__ import annotations

import sys

from engine.networks.bank import bank_path, make_bank
from engine.networks.data import DATASETS, DataError
from engine.networks.files import WriteError
from engine.tools import cli


def main(argv=None) -> int:
    p = cli.Parser(prog="python -m engine.tools.make_bank", description=__doc__.split("\n")[0])
    p.add_argument("--dataset", choices=DATASETS, required=True)
    p.add_argument("--data-dir")
    p.add_argument("--out", help=f"weights folder (default: the repo's weights/); {cli.REPLACES}")
    args = p.parse_args(argv)
    if args.out:
        try:
            cli.check_writable_dir(args.out, "--out")
        except ValueError as e:
            p.error(str(e))
    try:
        bank = make_bank(args.dataset, args.data_dir, args.out)
    except WriteError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {bank_path(args.dataset, args.out)}: {len(bank.images)} held-out images")
    return 0


if __name__ == "__main__":
    sys.exit(cli.run(main))
