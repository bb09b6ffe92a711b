"""tillvaxt."""
