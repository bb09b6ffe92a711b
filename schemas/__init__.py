"""pandera models, one per validated or published table.

The validators in `tillvaxt.validate` parse text into these shapes; the models then
check the rules that are about values rather than format (allowed codes, ranges).
A row that fails a model goes to quarantine with pandera's own message.
"""
