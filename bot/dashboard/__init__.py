"""The organisers' web dashboard, on `pathbot run`'s HTTP server (see `web.py`)."""
