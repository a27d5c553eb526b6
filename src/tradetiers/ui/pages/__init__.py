"""The app's pages: World, Ladder, Money, Bubbles, Compare."""
