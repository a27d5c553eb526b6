"""The app's Lessons section: the lesson list, the presenter, class predictions."""
