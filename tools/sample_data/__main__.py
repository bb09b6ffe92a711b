"""`python -m tools.sample_data` rewrites `data/raw/`; see `tools.sample_data.generate`."""

from tools.sample_data.generate import main

if __name__ == "__main__":
    raise SystemExit(main())
