"""`python -m engine.tools.make_bank --dataset D`: write weights/<dataset>_bank.safetensors, the
held-out images the forward processes degrade (engine.networks.bank)."""

from __future__ import annotations

import argparse
import sys

from engine.networks.bank import bank_path, make_bank
from engine.networks.data import DATASETS, DataError


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m engine.tools.make_bank", description=__doc__.split("\n")[0])
    p.add_argument("--dataset", choices=DATASETS, required=True)
    p.add_argument("--data-dir")
    p.add_argument("--out", help="weights folder (default: the repo's weights/)")
    args = p.parse_args(argv)
    try:
        bank = make_bank(args.dataset, args.data_dir, args.out)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {bank_path(args.dataset, args.out)}: {len(bank.images)} held-out images")
    return 0


if __name__ == "__main__":
    sys.exit(main())
