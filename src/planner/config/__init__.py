"""The scenario: its schema (Pydantic), reading TOML, overrides and writing it back."""
