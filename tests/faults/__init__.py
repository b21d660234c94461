"""The fault-injection harness's parts (tests/fault_injection.py names them all and runs them)."""
