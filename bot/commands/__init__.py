"""The command table, argument parsing and dispatch."""
