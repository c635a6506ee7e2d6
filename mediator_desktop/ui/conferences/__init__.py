"""联席会议: the joint case conferences window and its dialog."""
