"""Fast tests of one function or one reader at a time."""
