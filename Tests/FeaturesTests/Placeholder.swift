// Tests for this module arrive with its code.
