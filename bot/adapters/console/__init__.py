"""The console adapter: a local chat with the bot through the same command table."""
