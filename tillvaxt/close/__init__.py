"""Period close: certifying a year's published figures, restatements, reopening.

Once a year's report is filed its figures must stay as filed. `certify` freezes the
year's rows of every published table; `restate` keeps later runs from changing them
and lists what the current inputs would change instead.
"""
