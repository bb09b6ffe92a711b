"""Allow `python -m tillvaxt.sample` as a shorthand for `python -m tillvaxt.sample.generate`."""

from tillvaxt.sample.generate import main

if __name__ == "__main__":
    raise SystemExit(main())
