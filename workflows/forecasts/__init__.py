"""Target ranges from stored sales: forecast jobs, their inputs, stored ranges and fan charts."""
