"""The core: one module per capability, no platform code, time from an injected Clock."""
