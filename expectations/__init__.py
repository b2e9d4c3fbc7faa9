"""The Great Expectations suites of a release (GX 1.x JSON), installed as ``jingwen.expectations``."""
