"""A period's result: the one final score, grade and team place per person that every page, export and pay read."""
