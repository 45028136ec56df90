"""Home pages (issue 27): what needs the reader's attention, per role, read from the queries the other pages use."""
