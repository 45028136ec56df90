"""File imports of a real company: the safe reader, the org chart, sales exports and their mapping."""
