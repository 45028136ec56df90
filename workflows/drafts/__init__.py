"""A manager's goal draft: read the inputs, cascade company OKRs to the department and people, edit, publish once."""
