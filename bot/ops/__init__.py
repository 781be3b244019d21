"""Operating pathbot: the checks behind `pathbot doctor`."""
