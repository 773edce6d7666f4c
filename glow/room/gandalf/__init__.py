"""Gandalf, the pull-request bot: welcome, validation, one upserted comment per pull request."""
