"""Review cycles (issue 29): self-assessment, manager review, calibration, publication, confirmation or appeal,
then a locked result that pay uses."""
